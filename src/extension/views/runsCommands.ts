/**
 * Commands on runs and studies: Open Panel, Open Experiments, Reveal Folder, Delete, Refresh. Each takes
 * a JobRef (a tree element is one); Open Experiments without one opens the running job's panel, else
 * asks which recent run or study to open.
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PanelTarget } from '../../protocol/webviewProtocol';
import { RUNS_DIR } from '../../runtime/runs/runFolder';
import { revealFolder } from '../panels/panelRequests';
import type { ExtensionServices, JobRef, PanelOpener } from '../services';
import { describeJob, trialStudyOf } from './runsIndex';
import type { RunsTreeProvider } from './runsTree';

export function targetOf(ref: JobRef): PanelTarget {
  return ref.kind === 'study'
    ? { kind: 'study', workspace: ref.workspace, studyId: ref.id }
    : { kind: 'run', workspace: ref.workspace, runId: ref.id, runDir: ref.dir };
}

function isJobRef(value: unknown): value is JobRef {
  const r = value as Partial<JobRef> | undefined;
  return !!r && (r.kind === 'run' || r.kind === 'study') && typeof r.id === 'string' && typeof r.workspace === 'string' && typeof r.dir === 'string';
}

export function registerRunsCommands(
  services: Omit<ExtensionServices, 'panels'>,
  panels: PanelOpener & { close(target: PanelTarget): void },
  tree: RunsTreeProvider,
): vscode.Disposable[] {
  const pick = async (placeHolder: string): Promise<JobRef | undefined> => {
    const jobs = await tree.jobs();
    if (!jobs.length) {
      void vscode.window.showInformationMessage('Model Lab: no runs or studies in this workspace yet.');
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      jobs.slice(0, 200).map((job) => ({
        label: `$(${job.kind === 'study' ? 'beaker' : 'graph-line'}) ${job.name}`,
        description: describeJob(job),
        detail: job.id,
        job,
      })),
      { placeHolder, matchOnDetail: true },
    );
    return chosen ? { kind: chosen.job.kind, id: chosen.job.id, workspace: chosen.job.workspace, dir: chosen.job.dir } : undefined;
  };

  return [
    vscode.commands.registerCommand('modelLab.openPanel', async (ref?: JobRef) => {
      const job = isJobRef(ref) ? ref : await pick('Open the experiment panel of…');
      if (job) await panels.open(targetOf(job));
    }),
    vscode.commands.registerCommand('modelLab.openExperiments', async (ref?: JobRef) => {
      if (isJobRef(ref)) return panels.open(targetOf(ref));
      // The job this window runs (the newest, when several), else the user's choice among recent ones.
      const running = services.jobs.running().filter((j) => j.dir).pop();
      if (running?.dir) {
        return panels.open(targetOf({ kind: running.kind, id: running.id, workspace: running.workspace, dir: running.dir }));
      }
      const job = await pick('Open the experiment panel of…');
      if (job) await panels.open(targetOf(job));
    }),
    vscode.commands.registerCommand('modelLab.revealRunFolder', async (ref?: JobRef) => {
      const job = isJobRef(ref) ? ref : await pick('Reveal the folder of…');
      if (job) await revealFolder(vscode.Uri.file(job.dir));
    }),
    vscode.commands.registerCommand('modelLab.deleteRunOrStudy', async (ref?: JobRef) => {
      const job = isJobRef(ref) ? ref : await pick('Delete…');
      if (job) await deleteJob(services, panels, tree, job);
    }),
    vscode.commands.registerCommand('modelLab.refreshRuns', () => tree.refresh()),
  ];
}

/** Deletes a run's folder, or a study's folder with its trials' runs, after a modal confirmation. */
async function deleteJob(
  services: Omit<ExtensionServices, 'panels'>,
  panels: { close(target: PanelTarget): void },
  tree: RunsTreeProvider,
  job: JobRef,
): Promise<void> {
  const summary = (await tree.jobs()).find((j) => j.kind === job.kind && j.dir === job.dir);
  if (services.jobs.isLive(job.kind, job.id) || summary?.state === 'running') {
    void vscode.window.showWarningMessage(`Model Lab: ${job.kind} ${job.id} is running. Stop it before deleting it.`);
    return;
  }
  const trialRuns = job.kind === 'study' ? await studyRunDirs(job) : [];
  const detail =
    job.kind === 'study'
      ? `This deletes ${job.dir} and the ${trialRuns.length} run folder(s) of its trials, models included.`
      : `This deletes ${job.dir}, its model included.`;
  const answer = await vscode.window.showWarningMessage(`Delete ${job.kind} ${job.id}?`, { modal: true, detail }, 'Delete');
  if (answer !== 'Delete') return;
  panels.close(targetOf(job));
  for (const dir of [job.dir, ...trialRuns]) await rm(dir, { recursive: true, force: true });
  services.log.info(`deleted ${job.kind} ${job.id} (${1 + trialRuns.length} folder(s))`);
  await tree.refresh();
}

/** The run folders of a study's trials (every attempt), by the runtime's naming of trial runs. */
async function studyRunDirs(study: JobRef): Promise<string[]> {
  const runsDir = join(study.workspace, RUNS_DIR);
  if (!existsSync(runsDir)) return [];
  const names = await readdir(runsDir);
  return names.filter((name) => trialStudyOf(name, [study.id]) === study.id).map((name) => join(runsDir, name));
}
