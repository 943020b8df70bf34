/**
 * A batch prediction job: input files → batches → engine → output shards, streaming with a bounded
 * number of batches in memory, resumable from its progress journal (see journal.ts).
 *
 * Flow control is pull-based: a batch is read only when fewer than `concurrency` batches, and fewer
 * than `maxInFlightBytes` of input, are in the engine, and batches are written strictly in the order
 * they were read, so memory stays at about `concurrency × batchSize` instances whatever the input
 * size, and each shard keeps input order. Nothing kept across batches grows with the input.
 * Batch n goes to shard n % shards.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelEngine } from '../serving/modelEngine';
import { type Batch, type InputFile, type InputPosition, readBatches, resolveInputs } from './inputRecords';
import {
  type Checkpoint,
  emptyCheckpoint,
  identityMismatch,
  type JobIdentity,
  JOURNAL_VERSION,
  JournalWriter,
  readJournal,
} from './journal';
import { isBatchOutputName, JOURNAL_FILE, shardPaths } from './outputFiles';
import { type BatchOutput, type BatchPredictor, inProcessPredictor } from './predictBatch';
import { ShardWriter } from './shardWriter';
import { GarbageCollector } from './collectGarbage';

/** The job cannot start as asked (an output folder holding another job, a bad setting): nothing was written. */
export class BatchPredictionJobError extends Error {}

export interface BatchJobOptions {
  /** The model, run in this thread; or give `predictor` (e.g. a pool of engine workers). */
  engine?: ModelEngine;
  predictor?: BatchPredictor;
  /** The model folder, as recorded in the journal (a resume must use the same one). */
  modelDir: string;
  /** Paths or globs, relative to `baseDir`. */
  inputs: string[];
  baseDir: string;
  outputDir: string;
  /** Instances per engine call (default 64, AI Platform's default). */
  batchSize?: number;
  /** Output shards; default: what the journal says on resume, else 1. */
  shards?: number;
  /** Engine calls in flight at once; helps engines that compute off the main thread. */
  concurrency?: number;
  /**
   * At most this many input bytes in flight (default 32 MiB): with long lines a few batches are
   * already a lot of memory, so the window is bounded in bytes as well as in batches.
   */
  maxInFlightBytes?: number;
  /** How often, at most, written output is fsynced and checkpointed (ms). */
  checkpointIntervalMs?: number;
  /** Stops reading: the batches in flight are finished, written and checkpointed. */
  signal?: AbortSignal;
  onEvent?(event: BatchEvent): void;
}

export interface BatchProgress {
  /** Totals for the job, earlier sessions included. */
  predicted: number;
  failed: number;
  /** Records done in this session (rows/s is measured on these). */
  sessionRows: number;
  bytesRead: number;
  totalBytes: number;
  /** False when a compressed input makes the byte total meaningless for an estimate. */
  estimable: boolean;
  elapsedSeconds: number;
}

export type BatchEvent =
  | { type: 'started'; outputDir: string; inputs: string[]; shards: number; batchSize: number; resumed: boolean; progress: BatchProgress }
  | { type: 'progress'; progress: BatchProgress };

export interface BatchJobResult {
  status: 'succeeded' | 'cancelled' | 'already-complete';
  predicted: number;
  failed: number;
  sessionRows: number;
  elapsedSeconds: number;
  rowsPerSecond: number;
  outputDir: string;
  files: string[];
  /** Where a cancelled job stopped: the last input line done, as `file:line`. */
  stoppedAfter?: string;
}

export async function runBatchPrediction(options: BatchJobOptions): Promise<BatchJobResult> {
  const batchSize = positive(options.batchSize ?? 64, 'batch size');
  const concurrency = positive(options.concurrency ?? 4, 'concurrency');
  const maxInFlightBytes = options.maxInFlightBytes ?? 32 << 20;
  const interval = options.checkpointIntervalMs ?? 1000;
  const outputDir = resolve(options.outputDir);
  const files = await resolveInputs(options.inputs, options.baseDir);
  const journalPath = join(outputDir, JOURNAL_FILE);
  mkdirSync(outputDir, { recursive: true });

  const previous = existsSync(journalPath) ? readJournal(journalPath) : undefined;
  const shards = positive(options.shards ?? previous?.job?.shards ?? 1, 'shard count');
  const identity: JobIdentity = { version: JOURNAL_VERSION, model: resolve(options.modelDir), shards, inputs: files.map((f) => ({ path: f.path, bytes: f.bytes })) };
  if (previous?.job) {
    const why = identityMismatch(previous.job, identity);
    if (why) throw new BatchPredictionJobError(`${outputDir} holds another batch job's output (${why}); use a new --output folder`);
  } else {
    // A journal without its job line is one a crash cut short before anything else was written.
    const strays = readdirSync(outputDir).filter((n) => isBatchOutputName(n) && n !== JOURNAL_FILE);
    if (strays.length > 0) throw new BatchPredictionJobError(`${outputDir} already holds ${strays[0]} but no journal to resume it from; use a new --output folder`);
  }
  const resultPaths = shardPaths(outputDir, 'results', shards);
  const errorPaths = shardPaths(outputDir, 'errors_stats', shards);
  const outputFiles = [...resultPaths, ...errorPaths];
  const start = previous?.checkpoint ?? emptyCheckpoint(shards);
  const t0 = performance.now();

  if (!options.engine && !options.predictor) throw new BatchPredictionJobError('a batch job needs an engine or a predictor');
  if (previous?.done) {
    return { status: 'already-complete', predicted: start.predicted, failed: start.failed, sessionRows: 0, elapsedSeconds: 0, rowsPerSecond: 0, outputDir, files: outputFiles };
  }

  const journal = new JournalWriter(journalPath);
  if (!previous?.job) journal.append({ job: identity, startedAt: new Date().toISOString() });
  else journal.append({ resumed: { at: new Date().toISOString() } });
  const results = new ShardWriter(resultPaths, start.results);
  const errors = new ShardWriter(errorPaths, start.errors);
  const state: Checkpoint = { ...start, results: results.lengths, errors: errors.lengths };
  let sessionRows = 0;
  let lastCheckpoint = performance.now();
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0);
  const estimable = !files.some((f) => /\.gz$/i.test(f.path));
  const progress = (): BatchProgress => ({
    predicted: state.predicted,
    failed: state.failed,
    sessionRows,
    bytesRead: state.bytesRead,
    totalBytes,
    estimable,
    elapsedSeconds: (performance.now() - t0) / 1000,
  });

  const checkpoint = () => {
    // Order matters: shards durable first, then the checkpoint that counts them.
    results.sync();
    errors.sync();
    journal.append({ checkpoint: { ...state, results: [...results.lengths], errors: [...errors.lengths] }, at: new Date().toISOString() });
    lastCheckpoint = performance.now();
  };
  const collector = new GarbageCollector();
  const write = (out: BatchOutput) => {
    collector.after(out.bytes);
    const shard = state.batches % shards;
    results.write(shard, out.results);
    errors.write(shard, out.errors);
    state.batches++;
    state.input = out.last;
    state.predicted += out.predicted;
    state.failed += out.failed;
    state.bytesRead += out.bytes;
    sessionRows += out.predicted + out.failed;
    if (performance.now() - lastCheckpoint >= interval) checkpoint();
    options.onEvent?.({ type: 'progress', progress: progress() });
  };

  options.onEvent?.({ type: 'started', outputDir, inputs: files.map((f) => f.name), shards, batchSize, resumed: !!previous?.job, progress: progress() });
  const predictor = options.predictor ?? inProcessPredictor(options.engine!);
  const fileNames = files.map((f) => f.name);
  const batches = readBatches(files, batchSize, start.input ?? undefined);
  // The batches in the engine, oldest first. A predictor that takes batches in groups (engine workers)
  // is handed `group` at a time, and the window counts batches: `concurrency` groups of them.
  const group = Math.max(1, Math.floor((predictor.groupRows ?? 0) / batchSize));
  const window = concurrency * group;
  const inFlight: { output: Promise<BatchOutput>; bytes: number }[] = [];
  let inFlightBytes = 0;
  const writeOldest = async () => {
    const oldest = inFlight.shift()!;
    inFlightBytes -= oldest.bytes;
    write(await oldest.output);
  };
  let failure: unknown;
  try {
    for (let done = false; !done && !options.signal?.aborted; ) {
      const taken: Batch[] = [];
      while (taken.length < group) {
        const next = await batches.next();
        if (next.done) {
          done = true;
          break;
        }
        taken.push(next.value);
      }
      if (taken.length === 0) break;
      predictor.predict(taken, fileNames).forEach((output, i) => {
        // A rejection is taken when its turn to be written comes; until then it must not count as unhandled.
        output.catch(() => undefined);
        inFlight.push({ output, bytes: taken[i].bytes });
        inFlightBytes += taken[i].bytes;
      });
      while (inFlight.length > window - group || (inFlightBytes >= maxInFlightBytes && inFlight.length > 0)) await writeOldest();
    }
    while (inFlight.length > 0) await writeOldest();
  } catch (err) {
    failure = err;
  } finally {
    await batches.return(undefined);
    // What was written before a failure is sound: checkpoint it, so a re-run continues from there.
    checkpoint();
    const cancelled = !failure && !!options.signal?.aborted;
    if (failure) journal.append({ stopped: { reason: `failed: ${String((failure as Error).message ?? failure)}`, at: new Date().toISOString(), position: where(files, state.input) } });
    else if (cancelled) journal.append({ stopped: { reason: 'cancelled', at: new Date().toISOString(), position: where(files, state.input) } });
    else journal.append({ done: { at: new Date().toISOString() } });
    results.close();
    errors.close();
    journal.close();
  }
  if (failure) throw failure;
  const elapsedSeconds = (performance.now() - t0) / 1000;
  const cancelled = !!options.signal?.aborted;
  return {
    status: cancelled ? 'cancelled' : 'succeeded',
    predicted: state.predicted,
    failed: state.failed,
    sessionRows,
    elapsedSeconds,
    rowsPerSecond: elapsedSeconds > 0 ? sessionRows / elapsedSeconds : 0,
    outputDir,
    files: outputFiles,
    stoppedAfter: cancelled ? where(files, state.input) ?? undefined : undefined,
  };
}

function where(files: InputFile[], position: InputPosition | null): string | null {
  return position ? `${files[position.file].name}:${position.line}` : null;
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new BatchPredictionJobError(`${what} must be a positive integer, got ${n}`);
  return n;
}
