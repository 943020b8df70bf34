// Event files that `tensorboard --logdir` reads. Records are appended with synchronous writes, so a crashed
// process loses nothing already written and at worst leaves one half-written record, which TensorBoard skips.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EVENT_FILE_VERSION, encodeEvent, type TfEvent } from './eventProto';
import { frameRecord } from './tfrecord';

// Disambiguates writers opened by one process in the same second, as TensorBoard's own Python writer does.
let filesOpened = 0;

/**
 * TensorBoard finds event files by "tfevents" in the name; the rest follows TensorBoard's Python writer
 * (`events.out.tfevents.<10-digit seconds>.<host>.<pid>.<counter>`) so names sort by creation second.
 */
function eventFileName(nowMs: number): string {
  const seconds = String(Math.floor(nowMs / 1000)).padStart(10, '0');
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';
  return `events.out.tfevents.${seconds}.${host}.${process.pid}.${filesOpened++}`;
}

export class EventFileWriter {
  /** The event file, inside `dir`. */
  readonly path: string;
  private fd: number | null;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const nowMs = Date.now();
    this.path = join(dir, eventFileName(nowMs));
    // 'ax': never append to (or clobber) a file another writer owns.
    this.fd = openSync(this.path, 'ax');
    this.append({ wallTime: nowMs / 1000, fileVersion: EVENT_FILE_VERSION });
    this.flush();
  }

  /** Appends one scalar point. `wallTime` is in seconds since the epoch (TensorFlow's unit). */
  addScalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    if (tag === '') throw new Error('TensorBoard scalar tag must not be empty');
    if (!Number.isSafeInteger(step)) throw new Error(`TensorBoard step must be an integer, got ${step}`);
    this.append({ wallTime, step, summary: { value: [{ tag, simpleValue: value }] } });
  }

  /** fsyncs the file. Each record already reaches the OS when appended; this makes it survive an OS crash too. */
  flush(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private append(event: TfEvent): void {
    if (this.fd === null) throw new Error(`event file ${this.path} is closed`);
    const record = frameRecord(encodeEvent(event));
    let written = 0;
    while (written < record.length) written += writeSync(this.fd, record, written, record.length - written);
  }
}

/** Subfolder of a run folder holding its TensorBoard runs. */
export const TENSORBOARD_DIR = 'tb';
/** TensorBoard run names (subfolders of the log dir) used by Keras' TensorBoard callback. */
export const TRAIN_RUN = 'train';
export const VALIDATION_RUN = 'validation';

const VALIDATION_PREFIX = 'val_';

/** Where a run's event files go: `<runDir>/tb/{train,validation}/events.out.tfevents.*`. */
export function tensorboardLogDir(runDir: string): string {
  return join(runDir, TENSORBOARD_DIR);
}

/** One epoch's metrics as Keras names them: `loss`, `accuracy`, `val_loss`, `val_accuracy`, ... */
export type EpochMetrics = Readonly<Record<string, number | null | undefined>>;

export interface RunSummaryWriterOptions {
  /**
   * Least time between two fsyncs. Every record reaches the OS as it is appended, which already survives a
   * crash of this process; fsync only guards against losing the OS itself, and on some disks it costs
   * milliseconds, which adds up over thousands of tiny epochs. Default 1000; 0 syncs after every epoch.
   */
  syncIntervalMs?: number;
}

/**
 * Writes per-epoch metrics the way Keras' TensorBoard callback lays them out: `val_`-prefixed metrics go to
 * the `validation` run with the prefix removed, the rest to `train`, each tagged `epoch_<name>`. Matching tags
 * in the two runs make TensorBoard draw the train and validation curves in one chart.
 */
export class RunSummaryWriter {
  // Opened on first use so a run without validation data shows no empty `validation` run.
  private readonly writers = new Map<string, EventFileWriter>();
  private readonly syncIntervalMs: number;
  private lastSyncMs = Number.NEGATIVE_INFINITY;
  private closed = false;

  /** `logDir` is usually {@link tensorboardLogDir} of the run folder. */
  constructor(
    readonly logDir: string,
    options: RunSummaryWriterOptions = {},
  ) {
    this.syncIntervalMs = options.syncIntervalMs ?? 1000;
  }

  /** Appends one epoch's metrics. Keras uses the 0-based epoch index as the step. */
  writeEpoch(epoch: number, metrics: EpochMetrics, wallTime = Date.now() / 1000): void {
    if (this.closed) throw new Error(`TensorBoard writer for ${this.logDir} is closed`);
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== 'number') continue;
      const isValidation = name.startsWith(VALIDATION_PREFIX) && name.length > VALIDATION_PREFIX.length;
      const run = isValidation ? VALIDATION_RUN : TRAIN_RUN;
      const metric = isValidation ? name.slice(VALIDATION_PREFIX.length) : name;
      this.writer(run).addScalar(`epoch_${metric}`, value, epoch, wallTime);
    }
    if (Date.now() - this.lastSyncMs >= this.syncIntervalMs) this.flush();
  }

  /** fsyncs every open event file now. */
  flush(): void {
    for (const writer of this.writers.values()) writer.flush();
    this.lastSyncMs = Date.now();
  }

  async close(): Promise<void> {
    this.closed = true;
    const writers = [...this.writers.values()];
    this.writers.clear();
    await Promise.all(writers.map((w) => w.close()));
  }

  private writer(run: string): EventFileWriter {
    let writer = this.writers.get(run);
    if (!writer) {
      writer = new EventFileWriter(join(this.logDir, run));
      this.writers.set(run, writer);
    }
    return writer;
  }
}
