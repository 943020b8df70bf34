/**
 * `trials.jsonl`: the append-only history of a study's trials, one JSON object per line. Replaying it
 * rebuilds every trial exactly: its parameters as suggested, its measurements, its final state. A crash
 * loses at most a torn last line, which the reader skips. Only the study's own process appends.
 */
import { appendFileSync } from 'node:fs';
import { readJsonLines } from '../util/jsonLines';
import type { HyperparameterValues } from '../spec/jobSpec';
import type { TrialState } from './algorithm';

export interface Measurement {
  step: number;
  value: number;
}

export type TrialLogEntry =
  /** The algorithm suggested these parameters; the trial will run as run `runId`. */
  | { type: 'created'; trialId: string; parameters: HyperparameterValues; runId: string; time: string }
  /** The trial's run started (in a worker or as a Python process). */
  | { type: 'started'; trialId: string; runId: string; attempt: number; time: string }
  /** One value of the objective (the hyperparameterMetricTag) at a step. */
  | { type: 'measurement'; trialId: string; step: number; value: number; time: string }
  | {
      type: 'finished';
      trialId: string;
      state: Exclude<TrialState, 'ACTIVE'>;
      /** The final measurement (the last one reported), for COMPLETED and STOPPED. */
      objective?: number;
      step?: number;
      stoppedEarly: boolean;
      error?: string;
      time: string;
    }
  /**
   * The trial's run ended without an outcome of its own (the study was stopped, or its process died):
   * it will run again, from scratch, as run `runId`, when the study resumes.
   */
  | { type: 'requeued'; trialId: string; runId: string; reason: string; time: string };

/** A trial as the history says it is now. */
export interface TrialRecord {
  trialId: string;
  parameters: HyperparameterValues;
  state: TrialState;
  /** The run of the current (or last) attempt. */
  runId: string;
  /** Runs of earlier attempts that were interrupted. */
  previousRunIds: string[];
  /** Attempts started so far (0: suggested, never started). */
  attempts: number;
  /** True while the trial waits for a slot (never started, or re-queued). */
  queued: boolean;
  createdAt: string;
  startTime?: string;
  endTime?: string;
  /** Measurements of the current attempt, in the order they were reported. */
  measurements: Measurement[];
  objective?: number;
  step?: number;
  stoppedEarly: boolean;
  error?: string;
}

export function appendTrialEntry(file: string, entry: TrialLogEntry): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** Parses trials.jsonl, skipping a torn last line (a crash mid-write) and any other unreadable line. */
export function readTrialEntries(file: string): TrialLogEntry[] {
  return readJsonLines<TrialLogEntry>(file).filter((entry) => entry && typeof entry === 'object' && typeof entry.trialId === 'string');
}

/** Applies one entry to the trials (in creation order). Entries about unknown trials are ignored. */
export function applyTrialEntry(trials: Map<string, TrialRecord>, entry: TrialLogEntry): void {
  if (entry.type === 'created') {
    if (trials.has(entry.trialId)) return;
    trials.set(entry.trialId, {
      trialId: entry.trialId,
      parameters: entry.parameters,
      state: 'ACTIVE',
      runId: entry.runId,
      previousRunIds: [],
      attempts: 0,
      queued: true,
      createdAt: entry.time,
      measurements: [],
      stoppedEarly: false,
    });
    return;
  }
  const trial = trials.get(entry.trialId);
  if (!trial || trial.state !== 'ACTIVE') return;
  switch (entry.type) {
    case 'started':
      trial.runId = entry.runId;
      trial.attempts = entry.attempt;
      trial.queued = false;
      trial.startTime = entry.time;
      trial.measurements = [];
      break;
    case 'measurement':
      trial.measurements.push({ step: entry.step, value: entry.value });
      break;
    case 'finished':
      trial.state = entry.state;
      trial.objective = entry.objective;
      trial.step = entry.step;
      trial.stoppedEarly = entry.stoppedEarly;
      trial.error = entry.error;
      trial.endTime = entry.time;
      trial.queued = false;
      break;
    case 'requeued':
      if (entry.runId !== trial.runId) trial.previousRunIds.push(trial.runId);
      trial.runId = entry.runId;
      trial.queued = true;
      trial.measurements = [];
      break;
  }
}

/** Rebuilds the trials from the history, in creation order. */
export function replayTrials(entries: readonly TrialLogEntry[]): TrialRecord[] {
  const trials = new Map<string, TrialRecord>();
  for (const entry of entries) applyTrialEntry(trials, entry);
  return [...trials.values()];
}
