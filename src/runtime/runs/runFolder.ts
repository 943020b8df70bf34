/**
 * A run's folder: `run.json` (state), `metrics.jsonl` (append-only events: a crash loses at most a
 * torn last line, which readers skip), `log.txt`, the model bundle, the best checkpoint, and
 * TensorBoard event files.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LOG_FILE, METRICS_FILE, type RunRecord, writeRunRecord } from './runRecord';
import { readJsonLines } from '../util/jsonLines';

export const RUNS_DIR = join('.modellab', 'runs');

export type MetricsEvent =
  | { type: 'epoch'; epoch: number; time: string; elapsed: number; metrics: Record<string, number> }
  | { type: 'status'; status: string; time: string; message?: string };

function timestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

export function newRunId(name: string, now = new Date()): string {
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'run';
  return `${safe}-${timestamp(now)}-${randomBytes(2).toString('hex')}`;
}

export class RunFolder {
  readonly dir: string;
  private record: RunRecord;

  private constructor(dir: string, record: RunRecord) {
    this.dir = dir;
    this.record = record;
  }

  static create(workspace: string, init: Omit<RunRecord, 'status' | 'createdAt' | 'pid' | 'hostname' | 'timings'>): RunFolder {
    const dir = join(workspace, RUNS_DIR, init.runId);
    mkdirSync(dir, { recursive: true });
    const record: RunRecord = {
      ...init,
      status: 'running',
      createdAt: new Date().toISOString(),
      pid: process.pid,
      hostname: hostname(),
      timings: {},
    };
    const folder = new RunFolder(dir, record);
    writeRunRecord(dir, record);
    folder.appendEvent({ type: 'status', status: 'running', time: record.createdAt });
    return folder;
  }

  get state(): Readonly<RunRecord> {
    return this.record;
  }

  update(patch: Partial<RunRecord>): void {
    this.record = { ...this.record, ...patch };
    writeRunRecord(this.dir, this.record);
  }

  appendEvent(event: MetricsEvent): void {
    appendFileSync(join(this.dir, METRICS_FILE), `${JSON.stringify(event)}\n`);
  }

  log(message: string): void {
    appendFileSync(join(this.dir, LOG_FILE), `${new Date().toISOString()} ${message}\n`);
  }

  finish(status: 'succeeded' | 'failed' | 'cancelled', patch: Partial<RunRecord> = {}): void {
    const endedAt = new Date().toISOString();
    this.update({ ...patch, status, endedAt });
    this.appendEvent({ type: 'status', status, time: endedAt, message: patch.error });
  }
}

/** Reads metrics.jsonl, skipping a torn last line (a crash mid-write) and any other unreadable line. */
export function readMetricsEvents(runDir: string): MetricsEvent[] {
  return readJsonLines<MetricsEvent>(join(runDir, METRICS_FILE));
}
