/**
 * The progress journal of a batch job: an append-only JSON Lines file in the output folder.
 *
 * Line 1 names the job (model, inputs, shard count). Each later `checkpoint` line is appended only after
 * every output shard it counts has been written and fsynced, and records the input position reached and
 * each shard's length at that moment. So whatever instant the process dies at, the last complete
 * checkpoint describes output that is on disk in full: resuming truncates the shards to its lengths and
 * reads the input after its position, which neither repeats nor skips a line. A torn last line (a crash
 * mid-append) is cut off and ignored.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { InputPosition } from './inputRecords';

export const JOURNAL_VERSION = 1;

export interface JobIdentity {
  version: number;
  model: string;
  shards: number;
  inputs: { path: string; bytes: number }[];
}

export interface Checkpoint {
  /** Batches written so far; batch n went to shard n % shards. */
  batches: number;
  /** The last input line consumed (predicted or reported as an error), or null before the first. */
  input: InputPosition | null;
  predicted: number;
  failed: number;
  /** Approximate input bytes consumed, for progress on resume. */
  bytesRead: number;
  /** Length in bytes of each results shard and each errors shard. */
  results: number[];
  errors: number[];
}

export type JournalEntry =
  | { job: JobIdentity; startedAt: string }
  | { checkpoint: Checkpoint; at: string }
  | { stopped: { reason: string; at: string; position: string | null } }
  | { done: { at: string } }
  | { resumed: { at: string } };

export interface JournalState {
  job?: JobIdentity;
  checkpoint?: Checkpoint;
  done: boolean;
}

export function emptyCheckpoint(shards: number): Checkpoint {
  return { batches: 0, input: null, predicted: 0, failed: 0, bytesRead: 0, results: new Array(shards).fill(0), errors: new Array(shards).fill(0) };
}

/** Reads the journal, cutting a torn last line off the file so the next append starts on a fresh line. */
export function readJournal(path: string): JournalState {
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateFile(path, Buffer.byteLength(text.slice(0, end)));
  const state: JournalState = { done: false };
  for (const line of text.slice(0, end).split('\n')) {
    if (line.trim() === '') continue;
    let entry: Partial<Record<string, unknown>>;
    try {
      entry = JSON.parse(line) as Partial<Record<string, unknown>>;
    } catch {
      continue;
    }
    if (entry.job) state.job = entry.job as JobIdentity;
    else if (entry.checkpoint) state.checkpoint = entry.checkpoint as Checkpoint;
    else if (entry.done) state.done = true;
  }
  return state;
}

export class JournalWriter {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  /** One whole line per write call, then fsync: an entry is either fully there or torn at the end. */
  append(entry: JournalEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function truncateFile(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
  } finally {
    closeSync(fd);
  }
}

/** Why an existing journal cannot be continued with these arguments, or undefined when it can. */
export function identityMismatch(saved: JobIdentity, wanted: JobIdentity): string | undefined {
  if (saved.version !== wanted.version) return `it was written by another version of batch-predict (journal v${saved.version})`;
  if (saved.model !== wanted.model) return `it holds predictions of another model (${saved.model})`;
  if (saved.shards !== wanted.shards) return `it was started with --shards ${saved.shards}`;
  const a = saved.inputs.map((f) => `${f.path} (${f.bytes} bytes)`);
  const b = wanted.inputs.map((f) => `${f.path} (${f.bytes} bytes)`);
  const diff = b.findIndex((x, i) => x !== a[i]);
  if (a.length !== b.length || diff >= 0) {
    const i = diff >= 0 ? diff : Math.min(a.length, b.length);
    return `its input files differ: it read ${a[i] ?? 'no more files'} where this job reads ${b[i] ?? 'no more files'}`;
  }
  return undefined;
}
