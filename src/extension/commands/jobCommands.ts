/**
 * The job commands: New Job, Train, Tune, Validate, Stop, Resume Study, Select Backend, Set Up Native
 * Runtime, Restart Runtime. Commands that run workspace code check trust themselves (`executeCommand`
 * ignores package.json's `enablement`). Train and Tune accept an optional second argument
 * (`JobOptions`: overrides, parallel) for tests and automation, and return what happened.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { newRunId } from '../../runtime/runs/runFolder';
import type { SpecProblem } from '../../runtime/spec/specError';
import { readStudyRecord, type StudyRecord } from '../../runtime/tune/studyRecord';
import { processIsAlive } from '../../runtime/util/processAlive';
import { showSpecProblems } from '../editor/specDiagnostics';
import type { ExtensionServices, JobRef } from '../services';
import { requireTrust } from '../trust';
import { selectBackend } from './backendPicker';
import { type JobOptions, runStudy, trainSpec, type TrainOutcome, type TuneOutcome } from './jobRuns';
import { resolveSpec, saveIfDirty, specName, workspaceFor } from './jobSpecs';
import { setUpNativeRuntime } from './nativeRuntime';
import { newJob } from './newJob';

export function registerJobCommands(services: ExtensionServices): void {
  const { context, jobs, runtime } = services;
  runtime.setWorkDescriber(() => jobs.running().map((j) => `${j.kind} ${j.label} (${j.id})`));
  const register = (id: string, handler: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('modelLab.newJob', (template?: unknown, target?: unknown) =>
    newJob(services, typeof template === 'string' ? template : undefined, target instanceof vscode.Uri || typeof target === 'string' ? target : undefined),
  );
  register('modelLab.train', (arg?: unknown, options?: unknown) => train(services, arg, jobOptions(options)));
  register('modelLab.tune', (arg?: unknown, options?: unknown) => tune(services, arg, jobOptions(options)));
  register('modelLab.validate', (arg?: unknown) => validate(services, arg));
  register('modelLab.stop', (ref?: unknown) => stop(services, asJobRef(ref)));
  register('modelLab.resumeStudy', (ref?: unknown) => resumeStudy(services, asJobRef(ref, 'study')));
  register('modelLab.selectBackend', (backend?: unknown) => selectBackend(services, typeof backend === 'string' ? backend : undefined));
  register('modelLab.setUpNativeRuntime', (which?: unknown) => setUpNativeRuntime(services, typeof which === 'string' ? which : undefined));
  register('modelLab.restartRuntime', () => restartRuntime(services));
}

/** A tree element or panel argument that is a JobRef (of `kind`, when given); anything else: ask. */
function asJobRef(value: unknown, kind?: JobRef['kind']): JobRef | undefined {
  const ref = value as Partial<JobRef> | undefined;
  const valid =
    !!ref && (ref.kind === 'run' || ref.kind === 'study') && typeof ref.id === 'string' && typeof ref.workspace === 'string' && typeof ref.dir === 'string';
  return valid && (!kind || ref.kind === kind) ? (ref as JobRef) : undefined;
}

/**
 * The optional second argument, checked: menus pass their own second argument (the Explorer: every
 * selected Uri; the editor title: the editor group), which is not JobOptions.
 */
function jobOptions(value: unknown): JobOptions {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const { overrides, parallel } = value as Record<string, unknown>;
  return {
    overrides: Array.isArray(overrides) && overrides.every((o) => typeof o === 'string') ? overrides : undefined,
    parallel: typeof parallel === 'number' && parallel > 0 ? parallel : undefined,
  };
}

async function train(services: ExtensionServices, arg: unknown, options: JobOptions): Promise<TrainOutcome | undefined> {
  if (!requireTrust('Train')) return undefined;
  const spec = await resolveSpec(arg, 'Train');
  if (!spec) return undefined;
  await saveIfDirty(spec);
  return trainSpec(services, spec, await specName(spec), workspaceFor(spec), options);
}

async function tune(services: ExtensionServices, arg: unknown, options: JobOptions): Promise<TuneOutcome | undefined> {
  if (!requireTrust('Tune')) return undefined;
  const spec = await resolveSpec(arg, 'Tune');
  if (!spec) return undefined;
  await saveIfDirty(spec);
  const config = vscode.workspace.getConfiguration('modelLab');
  const name = await specName(spec);
  // The runtime's own id format (src/runtime/tune/studyFolder.ts: newStudyId = newRunId), chosen here so
  // notifications can be matched before the answer.
  const studyId = newRunId(name);
  const parallel = options.parallel ?? (config.get<number>('tune.parallelTrials') || undefined);
  const trialTimeoutSeconds = config.get<number>('tune.trialTimeoutSeconds') || undefined;
  return runStudy(services, { specFile: spec.fsPath, studyId, workspace: workspaceFor(spec), overrides: options.overrides, parallel, trialTimeoutSeconds }, name);
}

/** Checks the spec as the runtime will (no runtime needed) and shows the result; returns the problems. */
async function validate(services: ExtensionServices, arg: unknown): Promise<SpecProblem[] | undefined> {
  const spec = await resolveSpec(arg, 'Validate');
  if (!spec) return undefined;
  const document = await vscode.workspace.openTextDocument(spec);
  const text = document.getText();
  const { validateSpecText } = await import('../editor/specProblems.js');
  const problems = validateSpecText(text, spec.fsPath);
  showSpecProblems(services, spec, problems, text);
  const file = vscode.workspace.asRelativePath(spec);
  if (problems.length === 0) {
    void vscode.window.showInformationMessage(`Model Lab: ${file} is a valid job spec.`);
  } else {
    const { formatSpecProblem } = await import('../../runtime/spec/specError.js');
    services.log.warn(`${file}: ${problems.length} problem(s):\n${problems.map(formatSpecProblem).join('\n')}`);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    void vscode.window.showErrorMessage(`Model Lab: ${formatSpecProblem(problems[0])}${more}`, 'Show Problems').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }
  return problems;
}

/** Stops a run (cancel) or a study (stopped cleanly, resumable). */
async function stop(services: ExtensionServices, ref?: JobRef): Promise<boolean> {
  let target: { kind: 'run' | 'study'; id: string; label: string } | undefined = ref ? { kind: ref.kind, id: ref.id, label: ref.id } : undefined;
  if (!target) {
    const running = services.jobs.running();
    if (running.length === 0) {
      void vscode.window.showInformationMessage('Model Lab: nothing is running in this window.');
      return false;
    }
    const picked =
      running.length === 1
        ? running[0]
        : (
            await vscode.window.showQuickPick(
              running.map((j) => ({ label: `${j.kind === 'run' ? '$(play)' : '$(settings-gear)'} ${j.label}`, description: j.id, job: j })),
              { title: 'Model Lab: Stop', placeHolder: 'Run or study to stop' },
            )
          )?.job;
    if (!picked) return false;
    target = { kind: picked.kind, id: picked.id, label: picked.label };
  }
  if (!services.jobs.isLive(target.kind, target.id)) {
    void vscode.window.showInformationMessage(`Model Lab: ${target.kind} ${target.label} is not running in this window.`);
    return false;
  }
  const client = await services.runtime.client();
  const stopped = target.kind === 'run' ? await client.cancel(target.id) : await client.stopStudy(target.id);
  services.log.info(`Stop ${target.kind} ${target.id}: ${stopped ? 'requested' : 'not running in the runtime'}`);
  return stopped;
}

/** Continues a study that was stopped, failed, or interrupted (its process gone). */
async function resumeStudy(services: ExtensionServices, ref?: JobRef): Promise<TuneOutcome | undefined> {
  if (!requireTrust('Resume Study')) return undefined;
  let target: { id: string; workspace: string; label: string; specFile?: string } | undefined;
  if (ref) {
    const record = tryRead(ref.dir);
    target = { id: ref.id, workspace: ref.workspace, label: record?.name ?? ref.id, specFile: record?.specFile };
  } else {
    const files = await vscode.workspace.findFiles('**/.modellab/studies/*/study.json', '**/node_modules/**', 500);
    const resumable = files
      .map((f) => ({ dir: dirname(f.fsPath), record: tryRead(dirname(f.fsPath)) }))
      .filter((s): s is { dir: string; record: StudyRecord } => !!s.record && isResumable(services, s.record));
    if (resumable.length === 0) {
      void vscode.window.showInformationMessage('Model Lab: no stopped, failed or interrupted study to resume in this workspace.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      resumable
        .sort((a, b) => b.record.updatedAt.localeCompare(a.record.updatedAt))
        .map((s) => ({
          label: s.record.name,
          description: `${s.record.state === 'RUNNING' ? 'interrupted' : s.record.state.toLowerCase()} · ${s.record.counts.completed} completed of ${s.record.hyperparameters.maxTrials ?? '?'}`,
          detail: s.record.studyId,
          study: s,
        })),
      { title: 'Model Lab: Resume Study', placeHolder: 'Study to continue' },
    );
    if (!picked) return undefined;
    // The folder that holds `.modellab/`: two levels above `.modellab/studies/<id>`.
    const workspace = dirname(dirname(dirname(picked.study.dir)));
    target = { id: picked.study.record.studyId, workspace, label: picked.study.record.name, specFile: picked.study.record.specFile };
  }
  if (services.jobs.isLive('study', target.id)) {
    void vscode.window.showInformationMessage(`Model Lab: study ${target.label} is already running.`);
    return undefined;
  }
  const config = vscode.workspace.getConfiguration('modelLab');
  return runStudy(
    services,
    {
      resumeStudyId: target.id,
      workspace: target.workspace,
      specFile: target.specFile && existsSync(target.specFile) ? target.specFile : undefined,
      parallel: config.get<number>('tune.parallelTrials') || undefined,
      trialTimeoutSeconds: config.get<number>('tune.trialTimeoutSeconds') || undefined,
    },
    target.label,
  );
}

function tryRead(dir: string): StudyRecord | undefined {
  try {
    return readStudyRecord(dir);
  } catch {
    return undefined;
  }
}

/** CANCELLED or FAILED, or RUNNING on this machine with its process gone (and not ours). */
function isResumable(services: ExtensionServices, record: StudyRecord): boolean {
  if (record.state === 'CANCELLED' || record.state === 'FAILED') return true;
  if (record.state !== 'RUNNING' || services.jobs.isLive('study', record.studyId)) return false;
  return record.hostname === hostname() && !processIsAlive(record.pid);
}

async function restartRuntime(services: ExtensionServices): Promise<void> {
  const running = services.jobs.running();
  if (running.length > 0) {
    const choice = await vscode.window.showWarningMessage(
      `Model Lab: restarting the runtime ends ${running.map((j) => `${j.kind} ${j.label}`).join(', ')}.`,
      { modal: true },
      'Restart',
    );
    if (choice !== 'Restart') return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Model Lab: restarting the runtime' }, () => services.runtime.restart());
  services.log.info(`Runtime restarted (pid ${services.runtime.state.pid})`);
}
