/**
 * Train and Tune as the user sees them: a cancellable progress notification, the experiment panel
 * opened when the job starts (modelLab.experiments.openOnStart), the job tracked for the views and the
 * status bar, and a closing message with the main metrics and what to do next.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PanelTarget } from '../../protocol/webviewProtocol';
import type { BackendRequest, RunEpochParams, RunProgressParams, TrainResult, TuneParams, TuneResult } from '../../protocol/runtimeProtocol';
import { newRunId } from '../../runtime/runs/runFolder';
import { MODEL_DIR } from '../../runtime/runs/runRecord';
import type { ExtensionServices } from '../services';
import { reportJobError } from './jobErrors';

/** Optional second argument of modelLab.train / modelLab.tune, for tests and automation. */
export interface JobOptions {
  /** `key.path=value` overrides, as `--set` on the CLI. */
  overrides?: string[];
  /** Parallel trials (Tune). */
  parallel?: number;
}

/** What modelLab.train returns (to `executeCommand` callers): the result, or the error that ended the run. */
export interface TrainOutcome {
  runId: string;
  result?: TrainResult;
  error?: string;
}

export interface TuneOutcome {
  studyId: string;
  result?: TuneResult;
  error?: string;
}

export function backendSetting(): BackendRequest {
  return vscode.workspace.getConfiguration('modelLab').get<BackendRequest>('backend') ?? 'auto';
}

function openOnStart(): boolean {
  return vscode.workspace.getConfiguration('modelLab').get<boolean>('experiments.openOnStart') ?? true;
}

export async function trainSpec(services: ExtensionServices, spec: vscode.Uri, name: string, workspace: string, options: JobOptions = {}): Promise<TrainOutcome> {
  const runId = newRunId(name);
  const tracked = services.jobs.trackRun({ id: runId, label: name, workspace, specFile: spec.fsPath });
  let result: TrainResult | undefined;
  let error: string | undefined;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Lab: training ${name}`, cancellable: true },
      async (progress, token) => {
        if (services.runtime.state.status !== 'ready') progress.report({ message: 'starting the runtime…' });
        const client = await services.runtime.client();
        token.onCancellationRequested(() => {
          client.cancel(runId).catch((err: unknown) => services.log.warn(`Cancelling ${runId}: ${String(err)}`));
        });
        let done = 0;
        const report = (message: string, fraction?: number) => {
          const increment = fraction === undefined ? undefined : Math.max(0, fraction * 100 - done);
          if (increment !== undefined) done += increment;
          progress.report({ message, increment });
        };
        return client.train(
          { specFile: spec.fsPath, runId, workspace, overrides: options.overrides, backend: backendSetting() },
          {
            ...tracked.handlers,
            onStarted: (p) => {
              tracked.handlers.onStarted?.(p);
              services.log.info(`Run ${runId} started in ${p.runDir}`);
              if (openOnStart()) openPanel(services, { kind: 'run', workspace, runId, runDir: p.runDir });
            },
            onProgress: (p) => {
              tracked.handlers.onProgress?.(p);
              report(describeProgress(p), p.epoch !== undefined && p.epochs ? (p.epoch - 1 + (p.batches ? (p.batch ?? 0) / p.batches : 0)) / p.epochs : undefined);
            },
            onEpoch: (p) => {
              tracked.handlers.onEpoch?.(p);
              report(describeEpoch(p), p.epoch / p.epochs);
            },
          },
        );
      },
    );
  } catch (err) {
    error = reportJobError(services, err, `Training ${name}`, spec);
  } finally {
    tracked.end(result, error);
  }
  if (result) {
    services.runtime.noteBackend(result.backend);
    announceRun(services, name, workspace, result);
  }
  return { runId, result, error };
}

function announceRun(services: ExtensionServices, name: string, workspace: string, result: TrainResult): void {
  const openRunPanel = () => openPanel(services, { kind: 'run', workspace, runId: result.runId, runDir: result.runDir });
  if (result.status === 'succeeded') {
    const epochs = `${result.epochsRun} epoch${result.epochsRun === 1 ? '' : 's'}${result.stoppedEarly ? `, stopped early (best: epoch ${result.bestEpoch})` : ''}`;
    const actions = result.bundleDir ? ['Open Panel', 'Serve Model'] : ['Open Panel'];
    void vscode.window.showInformationMessage(`Model Lab: ${name} trained (${epochs}) on ${result.backend?.name ?? 'the default backend'}: ${formatMetrics(result.metrics)}`, ...actions).then((choice) => {
      if (choice === 'Open Panel') openRunPanel();
      else if (choice === 'Serve Model' && result.bundleDir) void services.models.serveFolder(result.bundleDir);
    });
  } else if (result.status === 'cancelled') {
    void vscode.window.showInformationMessage(`Model Lab: training ${name} was cancelled after ${result.epochsRun} epoch(s).`, 'Open Panel').then((c) => {
      if (c) openRunPanel();
    });
  } else {
    services.log.error(`Run ${result.runId} failed: ${result.error ?? 'no reason given'}`);
    void vscode.window.showErrorMessage(`Model Lab: training ${name} failed: ${result.error ?? 'see the log'}`, 'Open Panel', 'Show Log').then((c) => {
      if (c === 'Open Panel') openRunPanel();
      else if (c === 'Show Log') services.log.show();
    });
  }
}

/**
 * Runs (or resumes) a study: `params.studyId` (new) or `params.resumeStudyId` names it. The notification
 * counts finished trials against maxTrials and shows the best so far.
 */
export async function runStudy(services: ExtensionServices, params: TuneParams & { workspace: string }, label: string): Promise<TuneOutcome> {
  const studyId = (params.resumeStudyId ?? params.studyId) as string;
  const tracked = services.jobs.trackStudy({ id: studyId, label, workspace: params.workspace, specFile: params.specFile });
  const verb = params.resumeStudyId ? 'resuming' : 'tuning';
  let result: TuneResult | undefined;
  let error: string | undefined;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Lab: ${verb} ${label}`, cancellable: true },
      async (progress, token) => {
        if (services.runtime.state.status !== 'ready') progress.report({ message: 'starting the runtime…' });
        const client = await services.runtime.client();
        token.onCancellationRequested(() => {
          client.stopStudy(studyId).catch((err: unknown) => services.log.warn(`Stopping ${studyId}: ${String(err)}`));
        });
        let maxTrials = 0;
        let tag = 'objective';
        let opened = false;
        const finished = new Set<string>();
        return client.tune(
          { ...params, backend: params.backend ?? backendSetting() },
          {
            ...tracked.handlers,
            onState: (p) => {
              tracked.handlers.onState?.(p);
              maxTrials = p.maxTrials;
              tag = p.hyperparameterMetricTag;
              if (!opened) {
                opened = true;
                services.log.info(`Study ${studyId} (${p.algorithm}, ${p.maxTrials} trials, ${p.parallel} in parallel) in ${p.studyDir}`);
                if (openOnStart()) openPanel(services, { kind: 'study', workspace: params.workspace, studyId });
              }
            },
            onTrialState: (p) => {
              tracked.handlers.onTrialState?.(p);
              if (p.state === 'completed' || p.state === 'stopped' || p.state === 'failed') {
                const first = !finished.has(p.trialId);
                finished.add(p.trialId);
                const best = p.best ? `; best ${tag} ${round(p.best.objective)} (trial ${p.best.trialId})` : '';
                progress.report({
                  message: `trial ${p.trialId} ${p.state}: ${finished.size}/${maxTrials || '?'} done${best}`,
                  increment: first && maxTrials ? 100 / maxTrials : undefined,
                });
              } else if (p.state === 'active') {
                progress.report({ message: `trial ${p.trialId} running (${finished.size}/${maxTrials || '?'} done)` });
              }
            },
          },
        );
      },
    );
  } catch (err) {
    error = reportJobError(services, err, `${verb === 'tuning' ? 'Tuning' : 'Resuming'} ${label}`, params.specFile ? vscode.Uri.file(params.specFile) : undefined);
  } finally {
    tracked.end(result, error);
  }
  if (result) announceStudy(services, label, params.workspace, result);
  return { studyId, result, error };
}

function announceStudy(services: ExtensionServices, label: string, workspace: string, result: TuneResult): void {
  const out = result.trainingOutput;
  const best = out.trials.find((t) => t.finalMetric);
  const bestText = best?.finalMetric ? `; best ${out.hyperparameterMetricTag} ${round(best.finalMetric.objectiveValue)} (trial ${best.trialId}: ${Object.entries(best.hyperparameters).map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
  const summary = `study ${label} ${result.state.toLowerCase()}: ${out.completedTrialCount} trial(s)${bestText}${result.message ? ` — ${result.message}` : ''}`;
  const bundle = best ? join(workspace, '.modellab', 'runs', best.runId, MODEL_DIR) : undefined;
  const actions = bundle && result.state !== 'FAILED' ? ['Open Panel', 'Serve Best Model'] : ['Open Panel'];
  const show = result.state === 'FAILED' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
  void show(`Model Lab: ${summary}`, ...actions).then((choice) => {
    if (choice === 'Open Panel') openPanel(services, { kind: 'study', workspace, studyId: result.studyId });
    else if (choice === 'Serve Best Model' && bundle) void services.models.serveFolder(bundle);
  });
}

/** Opens the experiment panel; a panel that fails to open is logged and never fails the job itself. */
function openPanel(services: ExtensionServices, target: PanelTarget): void {
  const failed = (err: unknown) => services.log.error(`Opening the ${target.kind} panel failed: ${err instanceof Error ? err.message : String(err)}`);
  try {
    services.panels.open(target).catch(failed);
  } catch (err) {
    failed(err);
  }
}

function describeProgress(p: RunProgressParams): string {
  if (p.phase !== 'training') return p.message ?? p.phase.replace('-', ' ');
  const loss = p.loss !== undefined ? `, loss ${round(p.loss)}` : '';
  return `epoch ${p.epoch ?? '?'}/${p.epochs ?? '?'}${p.batches ? ` (batch ${p.batch ?? 0}/${p.batches})` : ''}${loss}`;
}

function describeEpoch(p: RunEpochParams): string {
  return `epoch ${p.epoch}/${p.epochs}: ${formatMetrics(p.metrics)}`;
}

/** The metrics people look at first: validation ones before training ones, four at most. */
export function formatMetrics(metrics: Record<string, number>): string {
  const entries = Object.entries(metrics).sort(([a], [b]) => Number(b.startsWith('val_')) - Number(a.startsWith('val_')) || a.localeCompare(b));
  return entries.length ? entries.slice(0, 4).map(([k, v]) => `${k} ${round(v)}`).join(', ') : 'no metrics';
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
