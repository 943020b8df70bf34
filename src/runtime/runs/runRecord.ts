/**
 * `run.json`: the state of one run. Rewritten atomically (temp file + rename) at each change of
 * state, so a reader never sees half a file. Plain Node on purpose: the runtime client imports it
 * to mark a run failed when the runtime process dies under it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processIsAlive } from '../util/processAlive';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const LOG_FILE = 'log.txt';
export const MODEL_DIR = 'model';
export const CHECKPOINT_DIR = 'checkpoint';
export const TENSORBOARD_DIR = 'tb';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunRecord {
  runId: string;
  name: string;
  specFile: string;
  status: RunStatus;
  createdAt: string;
  endedAt?: string;
  /** Process that owns the run while it is running: a reader that finds it dead knows the run crashed. */
  pid: number;
  hostname: string;
  hyperparameters: Record<string, number | string>;
  seed: number;
  spec?: unknown;
  backend?: { name: string; device: string; requested: string; notChosen: Record<string, string>; tfjsVersion: string };
  data?: { trainRecords: number; evalRecords: number; columns: { name: string; type: string; missing: number }[]; skipped: number };
  /** Seconds spent in each phase. */
  timings: Record<string, number>;
  result?: {
    epochsRun: number;
    bestEpoch: number;
    stoppedEarly: boolean;
    monitor: string;
    /** Metrics of the epoch whose weights were kept. */
    metrics: Record<string, number>;
    bundleDir?: string;
  };
  error?: string;
}

export function writeRunRecord(runDir: string, record: RunRecord): void {
  const file = join(runDir, RUN_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temp, file);
}

export function readRunRecord(runDir: string): RunRecord {
  return JSON.parse(readFileSync(join(runDir, RUN_FILE), 'utf8')) as RunRecord;
}


/**
 * Marks a run failed if it is still recorded as running. Used by the runtime client when the
 * runtime dies, and by readers that find a "running" run whose process is gone.
 */
export function markRunFailed(runDir: string, reason: string): RunRecord | undefined {
  let record: RunRecord;
  try {
    record = readRunRecord(runDir);
  } catch {
    return undefined;
  }
  if (record.status !== 'running') return record;
  const failed: RunRecord = { ...record, status: 'failed', error: reason, endedAt: new Date().toISOString() };
  writeRunRecord(runDir, failed);
  return failed;
}

/** Reads a run, correcting a "running" run whose owning process on this host no longer exists. */
export function readRunRecordChecked(runDir: string, hostname: string): RunRecord {
  const record = readRunRecord(runDir);
  if (record.status === 'running' && record.hostname === hostname && !processIsAlive(record.pid)) {
    return markRunFailed(runDir, `the process that ran it (pid ${record.pid}) ended without finishing the run`) ?? record;
  }
  return record;
}
