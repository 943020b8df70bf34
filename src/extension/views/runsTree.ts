/**
 * The Runs & Studies tree (view `modelLab.runs`): studies (state, best objective, trial counts,
 * duration; children: their trials, then each trial's runs) and standalone runs (state, main metric,
 * duration), newest first. Each run or study element is a `JobRef` (plus display fields), so the
 * run/study commands (Stop, Resume, Open Panel, Reveal, Delete) take the element as their argument.
 *
 * Cost: one findFiles at start and on Refresh; afterwards a file watcher's events, debounced, re-read
 * only the run.json / study.json that changed (a big study's trial runs are never read); a study's
 * trials.jsonl is read only while the study is expanded, and then only its new lines.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TrialRow } from '../../protocol/webviewProtocol';
import { RUNS_DIR } from '../../runtime/runs/runFolder';
import { readStudyRecord, TRIALS_FILE } from '../../runtime/tune/studyRecord';
import type { TrialLogEntry } from '../../runtime/tune/trialLog';
import { parseJsonLines } from '../../runtime/util/jsonLines';
import { FileTail } from '../panels/fileTail';
import { displayRunState, readRunRecordAsync } from '../panels/runFiles';
import { headerFromRecord, StudyModel } from '../panels/studyModel';
import type { ExtensionServices, JobRef } from '../services';
import { describeJob, formatNumber, type JobSummary, RunsIndex } from './runsIndex';

export const RUNS_GLOB = '**/.modellab/{runs,studies}/*/{run,study}.json';
const JOB_FOLDER_GLOB = '**/.modellab/{runs,studies}/*';
const LAB_FOLDER_GLOB = '**/{.modellab,.modellab/runs,.modellab/studies}';
/** Watcher events closer together than this are handled in one go (a study writes many files a second). */
export const REFRESH_DEBOUNCE_MS = 300;
/** While something runs, the tree redraws this often so durations move (from memory: no file is read). */
export const RUNNING_TICK_MS = 5000;
/**
 * While the view is visible it also rescans this often: file watchers can drop or delay events under
 * load (a busy machine, thousands of files written at once), and a missed study must not stay missing.
 */
export const SAFETY_RESCAN_MS = 30_000;

/** A run or a study: a JobRef (the commands' argument) with what the tree shows. */
export type JobNode = JobRef & { node: 'job'; summary: JobSummary };
/** A trial of a study: its row, and where its runs are. */
export interface TrialNode {
  node: 'trial';
  study: JobRef;
  row: TrialRow;
}
export type RunsNode = JobNode | TrialNode;

const STATE_ICONS: Record<string, [string, string | undefined]> = {
  running: ['sync~spin', undefined],
  queued: ['clock', undefined],
  succeeded: ['pass', 'testing.iconPassed'],
  completed: ['pass', 'testing.iconPassed'],
  stopped: ['debug-stop', 'testing.iconSkipped'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'testing.iconSkipped'],
  interrupted: ['debug-pause', 'list.warningForeground'],
};

function stateIcon(state: string): vscode.ThemeIcon {
  const [id, color] = STATE_ICONS[state] ?? ['circle-outline', undefined];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export function jobNode(summary: JobSummary): JobNode {
  return { node: 'job', kind: summary.kind, id: summary.id, workspace: summary.workspace, dir: summary.dir, summary };
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly index = new RunsIndex();
  private readonly trials = new Map<string, { tail: FileTail; model: StudyModel }>();
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingFiles = new Set<string>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private loaded: Promise<void> | undefined;
  private working: Promise<void> = Promise.resolve();
  private readonly ticker: ReturnType<typeof setInterval>;
  private anyRunning = false;

  constructor(private readonly services: Pick<ExtensionServices, 'jobs' | 'log'>) {
    const files = vscode.workspace.createFileSystemWatcher(RUNS_GLOB);
    const queue = (uri: vscode.Uri) => this.queue(uri.fsPath);
    // A folder made (or removed) with its files in one go may be reported as the folder alone: a job
    // folder then stands for its run.json / study.json, and a new .modellab/ for a rescan.
    const jobFolders = vscode.workspace.createFileSystemWatcher(JOB_FOLDER_GLOB, false, true, false);
    const queueFolder = (uri: vscode.Uri) => {
      this.queue(join(uri.fsPath, 'run.json'));
      this.queue(join(uri.fsPath, 'study.json'));
    };
    const labFolders = vscode.workspace.createFileSystemWatcher(LAB_FOLDER_GLOB, false, true, false);
    this.disposables.push(
      files,
      files.onDidCreate(queue),
      files.onDidChange(queue),
      files.onDidDelete(queue),
      jobFolders,
      jobFolders.onDidCreate(queueFolder),
      jobFolders.onDidDelete(queueFolder),
      labFolders,
      labFolders.onDidCreate(() => this.queueRescan()),
      labFolders.onDidDelete(() => this.queueRescan()),
      // A job starting or ending in this window changes states (and a new folder may not be watched yet).
      services.jobs.onDidChange(() => this.queueRescan()),
    );
    let ticks = 0;
    this.ticker = setInterval(() => {
      ticks++;
      if (this.view?.visible && (ticks * RUNNING_TICK_MS) % SAFETY_RESCAN_MS === 0) this.queueRescan();
      else if (this.anyRunning) this.changed.fire(undefined);
    }, RUNNING_TICK_MS);
  }

  /** The view that shows this tree: the safety rescan runs only while it is visible. */
  view: vscode.TreeView<RunsNode> | undefined;

  /** Re-scans the workspace (Refresh), then updates the tree. */
  refresh(): Promise<void> {
    this.loaded = this.serial(async () => {
      const files = await vscode.workspace.findFiles(RUNS_GLOB, undefined);
      await this.index.load(files.map((u) => u.fsPath));
    });
    return this.loaded.then(() => this.changed.fire(undefined));
  }

  /** The runs and studies as listed (after the first scan). */
  async jobs(): Promise<JobSummary[]> {
    await (this.loaded ?? this.refresh());
    await this.serial(() => this.index.refreshRunning());
    const jobs = this.index.list((kind, id) => this.services.jobs.isLive(kind, id));
    this.anyRunning = jobs.some((j) => j.state === 'running');
    return jobs;
  }

  async getChildren(element?: RunsNode): Promise<RunsNode[]> {
    if (!element) return (await this.jobs()).map(jobNode);
    if (element.node === 'job' && element.kind === 'study') {
      return (await this.studyTrials(element)).map((row) => ({ node: 'trial', study: element, row }));
    }
    if (element.node === 'trial') return this.trialRuns(element);
    return [];
  }

  getTreeItem(element: RunsNode): vscode.TreeItem {
    if (element.node === 'job') {
      const s = element.summary;
      const item = new vscode.TreeItem(s.kind === 'study' ? `${s.name} (study)` : s.name, s.kind === 'study' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `${s.kind}:${s.dir}`;
      item.description = describeJob(s);
      item.tooltip = new vscode.MarkdownString(
        [`**${s.kind === 'study' ? 'Study' : 'Run'} ${s.id}**`, `${describeJob(s)}`, `\`${s.dir}\``, s.kind === 'run' ? s.error : s.message]
          .filter(Boolean)
          .join('\n\n'),
      );
      item.iconPath = stateIcon(s.state);
      item.contextValue = `${s.kind}-${s.state}`;
      item.resourceUri = vscode.Uri.file(s.dir);
      item.command = { command: 'modelLab.openPanel', title: 'Open Panel', arguments: [element] };
      return item;
    }
    const row = element.row;
    const item = new vscode.TreeItem(`Trial ${row.trialId}`, row.runId ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `trial:${element.study.dir}:${row.trialId}`;
    const value = row.objective ?? row.lastValue;
    const params = Object.entries(row.parameters).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`);
    item.description = [row.state, value !== undefined ? formatNumber(value) : undefined, ...params].filter(Boolean).join(' · ');
    item.tooltip = row.error ? `${row.state}: ${row.error}` : undefined;
    item.iconPath = stateIcon(row.state);
    item.contextValue = `trial-${row.state}`;
    if (row.runId) {
      const ref = trialRunRef(element);
      item.command = { command: 'modelLab.openPanel', title: 'Open Panel', arguments: [ref] };
    }
    return item;
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    clearInterval(this.ticker);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  /** A study's trials, from its trials.jsonl: read in full once, then only the new lines. */
  private async studyTrials(study: JobRef): Promise<TrialRow[]> {
    let cached = this.trials.get(study.dir);
    if (!cached) {
      const header = headerFromRecord(readStudyRecord(study.dir), study.dir, this.services.jobs.isLive('study', study.id));
      cached = { tail: new FileTail(join(study.dir, TRIALS_FILE)), model: new StudyModel(header) };
      this.trials.set(study.dir, cached);
    }
    const entry = cached;
    const reset = await entry.tail.readEach((lines) => {
      for (const e of parseJsonLines<TrialLogEntry>(lines)) entry.model.applyEntry(e);
    });
    if (reset) {
      // The study was deleted and made again under the same id: read it from scratch next time.
      this.trials.delete(study.dir);
      return this.studyTrials(study);
    }
    return cached.model.trials();
  }

  private async trialRuns(trial: TrialNode): Promise<RunsNode[]> {
    if (!trial.row.runId) return [];
    const ref = trialRunRef(trial);
    let summary: JobSummary;
    try {
      const record = await readRunRecordAsync(ref.dir);
      const live = this.services.jobs.isLive('run', ref.id);
      summary = { kind: 'run', id: ref.id, workspace: ref.workspace, dir: ref.dir, name: ref.id, createdAt: record.createdAt, endedAt: record.endedAt, state: live ? 'running' : displayRunState(record, false) };
      const result = record.result;
      if (result?.monitor && result.metrics[result.monitor] !== undefined) summary.metric = { name: result.monitor, value: result.metrics[result.monitor] };
    } catch {
      return []; // not started yet
    }
    return [jobNode(summary)];
  }

  private queue(file: string): void {
    this.pendingFiles.add(file);
    this.schedule();
  }

  private queueRescan(): void {
    this.pendingFiles.add('');
    this.schedule();
  }

  private schedule(): void {
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      const files = [...this.pendingFiles];
      this.pendingFiles.clear();
      const rescan = files.includes('');
      void this.serial(async () => {
        if (rescan) await this.index.load((await vscode.workspace.findFiles(RUNS_GLOB)).map((u) => u.fsPath));
        else await this.index.update(files);
      }).then(() => this.changed.fire(undefined));
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Index work one batch at a time, so a rescan and a watcher batch never interleave. */
  private serial(work: () => Promise<void>): Promise<void> {
    this.working = this.working.then(work).catch((err: unknown) => this.services.log.warn(`Runs & Studies: ${err instanceof Error ? err.message : String(err)}`));
    return this.working;
  }
}

/** The JobRef of a trial's current run (trial runs live in the workspace's runs folder). */
export function trialRunRef(trial: TrialNode): JobNode {
  const dir = join(trial.study.workspace, RUNS_DIR, trial.row.runId);
  return { node: 'job', kind: 'run', id: trial.row.runId, workspace: trial.study.workspace, dir, summary: { kind: 'run', id: trial.row.runId, workspace: trial.study.workspace, dir, name: trial.row.runId, createdAt: '', state: 'running' } };
}
