/**
 * A study's folder, `.modellab/studies/<studyId>/`: study.json (what the study is and where it stands)
 * and trials.jsonl (the append-only trial history). A study can always be rebuilt from these two files,
 * which is how `model-lab tune --resume` continues one after a stop, a crash or `kill -9`.
 *
 * Trials that were running when the study's process went away are RE-QUEUED, not failed: the trial did
 * nothing wrong (the tuner died or was stopped), so it runs again from scratch with the same trial id and
 * parameters, as a new run (`<studyId>-t<id>-a<attempt>`); its interrupted run is marked failed. A trial
 * interrupted {@link MAX_ATTEMPTS} times is marked FAILED instead, so that a trial that itself kills the
 * tuner cannot loop forever. COMPLETED, STOPPED and FAILED trials are final and never run again.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { markRunFailed } from '../runs/runRecord';
import { newRunId, RUNS_DIR } from '../runs/runFolder';
import type { Goal } from '../spec/jobSpec';
import { type StudyRecord, type TrialCounts, readStudyRecord, STUDY_FILE, TRIALS_FILE, writeStudyRecord } from './studyRecord';
import { applyTrialEntry, appendTrialEntry, readTrialEntries, replayTrials, type TrialLogEntry, type TrialRecord } from './trialLog';
import { processIsAlive } from '../util/processAlive';

export const STUDIES_DIR = join('.modellab', 'studies');

/** Attempts a trial gets before an interruption counts as its failure. */
export const MAX_ATTEMPTS = 3;

const STUDY_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function newStudyId(name: string, now = new Date()): string {
  return newRunId(name, now);
}

/** The run id of a trial's attempt: the first attempt is `<studyId>-t<trialId>`. */
export function trialRunId(studyId: string, trialId: string, attempt: number): string {
  return attempt <= 1 ? `${studyId}-t${trialId}` : `${studyId}-t${trialId}-a${attempt}`;
}

export function studyDir(workspace: string, studyId: string): string {
  if (!STUDY_ID.test(studyId)) throw new Error(`invalid study id '${studyId}': use letters, digits, '-' and '_'`);
  return join(workspace, STUDIES_DIR, studyId);
}

export function isBetter(goal: Goal | undefined, a: number, b: number): boolean {
  return goal === 'MINIMIZE' ? a < b : a > b;
}


/** True when the record says RUNNING but its process on this host is gone (killed, crashed). */
export function studyProcessGone(record: StudyRecord): boolean {
  return record.state === 'RUNNING' && record.hostname === hostname() && record.pid !== process.pid && !processIsAlive(record.pid);
}

/** No such study in the workspace (a wrong id or workspace: the caller's mistake, not a failure). */
export class StudyNotFoundError extends Error {
  override readonly name = 'StudyNotFoundError';
}

export type StudyInit = Omit<StudyRecord, 'state' | 'createdAt' | 'updatedAt' | 'pid' | 'hostname' | 'trialCounter' | 'counts'>;

/** What resuming did to the trials that were not finished. */
export interface RecoveredTrial {
  trialId: string;
  action: 'requeued' | 'failed';
  previousRunId: string;
  runId: string;
}

export class StudyFolder {
  readonly dir: string;
  private record: StudyRecord;
  private readonly trialMap: Map<string, TrialRecord>;

  private constructor(dir: string, record: StudyRecord, trials: TrialRecord[]) {
    this.dir = dir;
    this.record = record;
    this.trialMap = new Map(trials.map((t) => [t.trialId, t]));
  }

  static create(workspace: string, init: StudyInit): StudyFolder {
    const dir = studyDir(workspace, init.studyId);
    if (existsSync(join(dir, STUDY_FILE))) throw new Error(`study ${init.studyId} already exists in ${dir}`);
    mkdirSync(dir, { recursive: true });
    const now = new Date().toISOString();
    const record: StudyRecord = {
      ...init,
      state: 'RUNNING',
      createdAt: now,
      updatedAt: now,
      pid: process.pid,
      hostname: hostname(),
      trialCounter: 0,
      counts: { completed: 0, stopped: 0, failed: 0, active: 0 },
    };
    writeStudyRecord(dir, record);
    return new StudyFolder(dir, record, []);
  }

  /** Reads a study as its files say it is; changes nothing (see {@link resume} to continue it). */
  static open(workspace: string, studyId: string): StudyFolder {
    const dir = studyDir(workspace, studyId);
    if (!existsSync(join(dir, STUDY_FILE))) throw new StudyNotFoundError(`no study '${studyId}' in ${join(workspace, STUDIES_DIR)}`);
    const record = readStudyRecord(dir);
    const folder = new StudyFolder(dir, record, replayTrials(readTrialEntries(join(dir, TRIALS_FILE))));
    folder.record = { ...record, ...folder.summary() };
    return folder;
  }

  get state(): Readonly<StudyRecord> {
    return this.record;
  }

  get trialsFile(): string {
    return join(this.dir, TRIALS_FILE);
  }

  /** Every trial, in creation order. */
  get trials(): readonly TrialRecord[] {
    return [...this.trialMap.values()];
  }

  trial(trialId: string): TrialRecord | undefined {
    return this.trialMap.get(trialId);
  }

  /** Trial ids are '1', '2', … as Cloud ML Engine numbers them; never reused. */
  nextTrialId(): string {
    return String(this.record.trialCounter + 1);
  }

  /** Appends to trials.jsonl, then applies the entry: the file is written before memory changes. */
  append(entry: TrialLogEntry): TrialRecord | undefined {
    appendTrialEntry(this.trialsFile, entry);
    applyTrialEntry(this.trialMap, entry);
    // Measurements are frequent and change no counter: study.json is rewritten only for the others.
    if (entry.type !== 'measurement') this.update({});
    return this.trialMap.get(entry.trialId);
  }

  update(patch: Partial<StudyRecord>): void {
    this.record = { ...this.record, ...patch, ...this.summary(), updatedAt: new Date().toISOString() };
    writeStudyRecord(this.dir, this.record);
  }

  finish(state: Exclude<StudyRecord['state'], 'RUNNING'>, message?: string): void {
    this.update({ state, message, endedAt: new Date().toISOString() });
  }

  /**
   * Takes the study over in this process: refuses a study another live process is running, marks the
   * trials that were running when their process went away (re-queued, or failed after MAX_ATTEMPTS),
   * and sets the state back to RUNNING.
   */
  resume(workspace: string, patch: Partial<StudyRecord> = {}): RecoveredTrial[] {
    const current = this.record;
    if (current.state === 'RUNNING' && current.pid !== process.pid && current.hostname === hostname() && processIsAlive(current.pid)) {
      throw new Error(`study ${current.studyId} is running in process ${current.pid}; stop it first`);
    }
    const recovered: RecoveredTrial[] = [];
    const now = new Date().toISOString();
    for (const trial of this.trials) {
      if (trial.state !== 'ACTIVE' || trial.attempts === 0) continue;
      // A trial whose current attempt started is interrupted; a re-queued one waits already.
      if (trial.queued) continue;
      const previousRunId = trial.runId;
      const reason = `the study's process (pid ${current.pid}) ended while the trial was running`;
      markRunFailed(join(workspace, RUNS_DIR, previousRunId), reason);
      if (trial.attempts >= MAX_ATTEMPTS) {
        this.append({ type: 'finished', trialId: trial.trialId, state: 'FAILED', stoppedEarly: false, error: `${reason} (${trial.attempts} times)`, time: now });
        recovered.push({ trialId: trial.trialId, action: 'failed', previousRunId, runId: previousRunId });
      } else {
        const runId = trialRunId(current.studyId, trial.trialId, trial.attempts + 1);
        this.append({ type: 'requeued', trialId: trial.trialId, runId, reason, time: now });
        recovered.push({ trialId: trial.trialId, action: 'requeued', previousRunId, runId });
      }
    }
    this.update({
      ...patch,
      state: 'RUNNING',
      pid: process.pid,
      hostname: hostname(),
      endedAt: undefined,
      message: undefined,
      resumedAt: [...(current.resumedAt ?? []), now],
    });
    return recovered;
  }

  /** Counters and the best trial, recomputed from the trials (trials.jsonl is the truth). */
  private summary(): Pick<StudyRecord, 'counts' | 'best' | 'trialCounter'> {
    const counts: TrialCounts = { completed: 0, stopped: 0, failed: 0, active: 0 };
    let best: StudyRecord['best'];
    let maxId = this.record.trialCounter;
    for (const t of this.trialMap.values()) {
      maxId = Math.max(maxId, Number(t.trialId) || 0);
      if (t.state === 'COMPLETED') counts.completed++;
      else if (t.state === 'STOPPED') counts.stopped++;
      else if (t.state === 'FAILED') counts.failed++;
      else counts.active++;
      if (t.objective !== undefined && (t.state === 'COMPLETED' || t.state === 'STOPPED')) {
        if (!best || isBetter(this.record.hyperparameters.goal, t.objective, best.objective)) best = { trialId: t.trialId, objective: t.objective };
      }
    }
    return { counts, best, trialCounter: maxId };
  }
}

/** Every study in a workspace, newest first. A RUNNING study whose process is gone is still listed as RUNNING; check {@link studyProcessGone}. */
export function listStudies(workspace: string): StudyRecord[] {
  const root = join(workspace, STUDIES_DIR);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const records: StudyRecord[] = [];
  for (const name of names) {
    try {
      records.push(StudyFolder.open(workspace, name).state);
    } catch {
      // Not a study folder (or a half-created one): listings skip it.
    }
  }
  return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
