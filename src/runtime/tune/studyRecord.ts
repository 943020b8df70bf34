/**
 * `study.json`: what a study is (its spec, algorithm, seed) and where it stands (state, counters).
 * Rewritten atomically (temp file + rename) like run.json, so a reader never sees half a file. The
 * trials themselves live in the append-only trials.jsonl beside it; the counters here are a summary
 * for listings, and trials.jsonl wins wherever the two disagree (a crash between the two writes).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HyperparameterSpec } from '../spec/jobSpec';

export const STUDY_FILE = 'study.json';
export const TRIALS_FILE = 'trials.jsonl';

/** Cloud ML Engine's Job states, the subset a local study goes through. */
export type StudyState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A spec-defined model (modellab.yaml) or a Cloud `Job` config running a Python trainer package. */
export type StudyKind = 'spec' | 'python';

export interface TrialCounts {
  completed: number;
  stopped: number;
  failed: number;
  /** Running or waiting to run (re-queued after an interruption). */
  active: number;
}

export interface StudyRecord {
  studyId: string;
  name: string;
  kind: StudyKind;
  /** Absolute path of the spec (or Cloud config) the study was started from. */
  specFile: string;
  /** `--set` overrides applied to the spec for every trial. */
  overrides: string[];
  /** The HyperparameterSpec in effect, defaults filled in. */
  hyperparameters: HyperparameterSpec;
  /** The algorithm's name as it reports it (GRID_SEARCH, RANDOM_SEARCH, BAYESIAN). */
  algorithm: string;
  /** The algorithm's seed: with the history in trials.jsonl it fixes every future suggestion. */
  seed: number;
  state: StudyState;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
  /** Process that runs the study while it is RUNNING: a reader that finds it dead knows it was killed. */
  pid: number;
  hostname: string;
  /** Highest trial id handed out ('1', '2', … as numbers). */
  trialCounter: number;
  counts: TrialCounts;
  best?: { trialId: string; objective: number };
  /** Effective limits of the last session (after CLI overrides and defaults). */
  settings: { parallel: number; maxFailedTrials: number; trialTimeoutSeconds?: number; earlyStopping: boolean };
  /** When the study was resumed, one entry per resume. */
  resumedAt?: string[];
  /** Why the study ended as it did (failure limit, user stop, grid exhausted…). */
  message?: string;
}

export function writeStudyRecord(dir: string, record: StudyRecord): void {
  const file = join(dir, STUDY_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temp, file);
}

export function readStudyRecord(dir: string): StudyRecord {
  return JSON.parse(readFileSync(join(dir, STUDY_FILE), 'utf8')) as StudyRecord;
}
