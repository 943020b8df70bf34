/**
 * The Runs & Studies tree's data, without VS Code: the run.json / study.json files the workspace holds,
 * read once each and re-read only when their modification time changes. A study's trial runs
 * (`<studyId>-t<n>[-a<k>]`, the runtime's naming) are listed under their study, never as standalone
 * runs — and their run.json files are not even read, so a study of 10,000 trials costs one file here.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { RunState } from '../../protocol/webviewProtocol';
import type { RunRecord } from '../../runtime/runs/runRecord';
import type { StudyRecord, TrialCounts } from '../../runtime/tune/studyRecord';
import { displayRunState } from '../panels/runFiles';
import { studyInterrupted } from '../panels/studyModel';

export type StudyDisplayState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

interface SummaryBase {
  id: string;
  /** The folder that holds `.modellab/`. */
  workspace: string;
  dir: string;
  name: string;
  createdAt: string;
  endedAt?: string;
}

export interface RunSummary extends SummaryBase {
  kind: 'run';
  state: RunState;
  /** The metric the run monitored (early stopping's), at the kept epoch. */
  metric?: { name: string; value: number };
  error?: string;
}

export interface StudySummaryItem extends SummaryBase {
  kind: 'study';
  state: StudyDisplayState;
  goal: 'MAXIMIZE' | 'MINIMIZE';
  metricTag: string;
  maxTrials: number;
  counts: TrialCounts;
  best?: { trialId: string; objective: number };
  message?: string;
}

export type JobSummary = RunSummary | StudySummaryItem;

interface Entry {
  mtimeMs: number;
  record: RunRecord | StudyRecord;
}

type Where = { kind: 'run' | 'study'; id: string; dir: string; workspace: string };

/** `<ws>/.modellab/runs/<id>/run.json` or `<ws>/.modellab/studies/<id>/study.json`; anything else: undefined. */
export function classify(file: string): Where | undefined {
  const name = basename(file);
  const dir = dirname(file);
  const group = dirname(dir);
  const lab = dirname(group);
  if (basename(lab) !== '.modellab') return undefined;
  const kind = name === 'run.json' && basename(group) === 'runs' ? 'run' : name === 'study.json' && basename(group) === 'studies' ? 'study' : undefined;
  if (!kind) return undefined;
  return { kind, id: basename(dir), dir, workspace: dirname(lab) };
}

/** Whether a run id names an attempt of one of these studies' trials. */
export function trialStudyOf(runId: string, studyIds: Iterable<string>): string | undefined {
  for (const studyId of studyIds) {
    if (runId.length > studyId.length + 2 && runId.startsWith(studyId) && /^-t\d+(-a\d+)?$/.test(runId.slice(studyId.length))) return studyId;
  }
  return undefined;
}

export class RunsIndex {
  private readonly entries = new Map<string, Entry>();

  /** Replaces the set of files (a full scan): new and changed ones are read, unchanged ones kept. */
  async load(files: readonly string[]): Promise<void> {
    const wanted = new Set(files.filter((f) => classify(f)));
    for (const file of [...this.entries.keys()]) if (!wanted.has(file)) this.entries.delete(file);
    await this.update([...wanted]);
  }

  /** Re-reads these files (a watcher's events): changed ones are read again, missing ones dropped. */
  async update(files: readonly string[]): Promise<void> {
    const studies = [...files].sort((a, b) => Number(b.endsWith('study.json')) - Number(a.endsWith('study.json')));
    await inBatches(studies, 16, (file) => this.read(file));
  }

  /**
   * Re-reads the files of jobs recorded as running, if they changed. A watcher event can be lost or late
   * on a busy machine; without this, a run that finished meanwhile would show as failed (its process gone).
   */
  async refreshRunning(): Promise<void> {
    const running = [...this.entries].filter(([, e]) => ('status' in e.record ? e.record.status === 'running' : e.record.state === 'RUNNING')).map(([file]) => file);
    await inBatches(running, 16, (file) => this.read(file));
  }

  /** Runs and studies, newest first; trial runs of listed studies left out. */
  list(isLive: (kind: 'run' | 'study', id: string) => boolean = () => false): JobSummary[] {
    const studyIds = new Map<string, string[]>();
    for (const file of this.entries.keys()) {
      const where = classify(file);
      if (where?.kind === 'study') studyIds.set(where.workspace, [...(studyIds.get(where.workspace) ?? []), where.id]);
    }
    const out: JobSummary[] = [];
    for (const [file, entry] of this.entries) {
      const where = classify(file);
      if (!where) continue;
      if (where.kind === 'run') {
        if (trialStudyOf(where.id, studyIds.get(where.workspace) ?? [])) continue;
        out.push(runSummary(where, entry.record as RunRecord, isLive('run', where.id)));
      } else {
        out.push(studySummary(where, entry.record as StudyRecord, isLive('study', where.id)));
      }
    }
    return out.sort((a, b) => (b.createdAt > a.createdAt ? 1 : b.createdAt < a.createdAt ? -1 : 0));
  }

  private async read(file: string): Promise<void> {
    const where = classify(file);
    if (!where) return;
    if (where.kind === 'run' && trialStudyOf(where.id, this.knownStudies(where.workspace))) {
      this.entries.delete(file);
      return;
    }
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
    } catch {
      this.entries.delete(file);
      return;
    }
    if (this.entries.get(file)?.mtimeMs === mtimeMs) return;
    try {
      const record = JSON.parse(await readFile(file, 'utf8')) as RunRecord | StudyRecord;
      this.entries.set(file, { mtimeMs, record });
    } catch {
      // Unreadable (being replaced, hand-edited): keep the last good copy until the next change.
    }
  }

  private knownStudies(workspace: string): string[] {
    const ids: string[] = [];
    for (const file of this.entries.keys()) {
      const where = classify(file);
      if (where?.kind === 'study' && where.workspace === workspace) ids.push(where.id);
    }
    return ids;
  }
}

function runSummary(where: Where, record: RunRecord, live: boolean): RunSummary {
  const summary: RunSummary = {
    kind: 'run',
    id: where.id,
    workspace: where.workspace,
    dir: where.dir,
    name: record.name ?? where.id,
    createdAt: record.createdAt ?? '',
    endedAt: record.endedAt,
    state: live ? 'running' : displayRunState(record, false),
  };
  const result = record.result;
  if (result) {
    const name = result.monitor && result.metrics[result.monitor] !== undefined ? result.monitor : Object.keys(result.metrics)[0];
    if (name !== undefined) summary.metric = { name, value: result.metrics[name] };
  }
  if (record.error) summary.error = record.error;
  return summary;
}

function studySummary(where: Where, record: StudyRecord, live: boolean): StudySummaryItem {
  const hp = record.hyperparameters ?? { params: [] };
  const state: StudyDisplayState = live ? 'running' : studyInterrupted(record) ? 'interrupted' : (record.state.toLowerCase() as StudyDisplayState);
  return {
    kind: 'study',
    id: where.id,
    workspace: where.workspace,
    dir: where.dir,
    name: record.name ?? where.id,
    createdAt: record.createdAt ?? '',
    endedAt: record.endedAt,
    state,
    goal: hp.goal === 'MINIMIZE' ? 'MINIMIZE' : 'MAXIMIZE',
    metricTag: hp.hyperparameterMetricTag ?? 'training/hptuning/metric',
    maxTrials: hp.maxTrials ?? 1,
    counts: record.counts ?? { completed: 0, stopped: 0, failed: 0, active: 0 },
    best: record.best,
    message: record.message,
  };
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

// ── descriptions (what the tree shows beside each name) ──────────────────────
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

export function durationOf(job: { createdAt: string; endedAt?: string }, now = Date.now()): string {
  const start = Date.parse(job.createdAt);
  if (Number.isNaN(start)) return '';
  return formatDuration((job.endedAt ? Date.parse(job.endedAt) : now) - start);
}

export function describeJob(job: JobSummary, now = Date.now()): string {
  const parts: string[] = [job.state];
  if (job.kind === 'study') {
    if (job.best) parts.push(`best ${formatNumber(job.best.objective)}`);
    const done = job.counts.completed + job.counts.stopped + job.counts.failed;
    parts.push(`${done}/${job.maxTrials} trials`);
  } else if (job.metric) {
    parts.push(`${job.metric.name} ${formatNumber(job.metric.value)}`);
  }
  const duration = durationOf(job, now);
  if (duration) parts.push(duration);
  return parts.join(' · ');
}
