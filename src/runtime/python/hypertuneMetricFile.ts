/**
 * Reads the cloudml-hypertune metric file (notes/cloudml-formats.md §2.2): the file a trainer writes with
 * `hypertune.HyperTune().report_hyperparameter_tuning_metric(tag, value, global_step)`, at
 * `CLOUD_ML_HP_METRIC_FILE`. One JSON object per line, `json.dumps(..., sort_keys=True)`:
 *
 *   {"global_step": "1000", "my_metric_tag": "0.987", "timestamp": 1525851440.123456, "trial": "0"}
 *
 * Values are strings (`str(float(v))`, so also `nan`, `inf`), `global_step` is a string (`"0"` when none was
 * given), `timestamp` is `time.time()` in seconds. The package keeps the last 100 records and REWRITES the
 * whole file on every report, so a reader can see it truncated, half written, or shifted by one record once
 * it is full. Other writers append instead. The reader below copes with both.
 */
import { type FileHandle, open } from 'node:fs/promises';

/** The tag cloudml-hypertune uses when it is given an empty one, and Cloud ML's default metric tag. */
export const DEFAULT_METRIC_TAG = 'training/hptuning/metric';
/** Where cloudml-hypertune writes when `CLOUD_ML_HP_METRIC_FILE` is not set. */
export const DEFAULT_METRIC_FILE = '/tmp/hypertune/output.metrics';

/** One reported value. A record of the metric file gives one Measurement per metric tag it holds. */
export interface Measurement {
  tag: string;
  value: number;
  /** The record's `global_step` (cloudml-hypertune writes 0 when the trainer gave none). */
  step?: number;
  /** When it was reported, in milliseconds since the epoch (the record's `timestamp` is in seconds). */
  time?: number;
}

/** Keys of a record that are not metrics. `checkpoint_path` is written by some versions of the package. */
const RECORD_KEYS = new Set(['timestamp', 'trial', 'global_step', 'checkpoint_path']);

/**
 * The measurements of one line of the file, or undefined when the line is not a record (not a JSON object,
 * e.g. a torn line). Values that are not finite numbers (`"nan"`, `"inf"`, text) are left out: a study
 * cannot rank them, and a diverged trial reports nothing usable.
 */
export function parseMetricLine(line: string): Measurement[] | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const fields = record as Record<string, unknown>;
  const step = toNumber(fields.global_step);
  const seconds = toNumber(fields.timestamp);
  const out: Measurement[] = [];
  for (const [tag, raw] of Object.entries(fields)) {
    if (RECORD_KEYS.has(tag)) continue;
    const value = toNumber(raw);
    if (value === undefined) continue;
    const m: Measurement = { tag, value };
    if (step !== undefined) m.step = Math.trunc(step);
    if (seconds !== undefined) m.time = seconds * 1000;
    out.push(m);
  }
  return out;
}

/** A JSON number, or a string holding one (the protocol's form); undefined for anything else or non-finite. */
function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export interface ParsedMetricText {
  measurements: Measurement[];
  /** Where the next read should start: just after the last complete line consumed. */
  nextOffset: number;
  /** Complete lines that were not records. */
  skippedLines: number;
}

/**
 * Parses the complete lines of `text` from `offset` (in characters). A last line without its newline is
 * being written (or was torn by a crash): it is not consumed, unless `final` (the writer has exited), when
 * it is taken if it parses.
 */
export function parseMetricText(text: string, options: { offset?: number; final?: boolean } = {}): ParsedMetricText {
  const measurements: Measurement[] = [];
  let skippedLines = 0;
  let position = options.offset ?? 0;
  for (;;) {
    const nl = text.indexOf('\n', position);
    const complete = nl >= 0;
    if (!complete && !(options.final && position < text.length)) break;
    const line = text.slice(position, complete ? nl : text.length).replace(/\r$/, '');
    const end = complete ? nl + 1 : text.length;
    if (line.trim() !== '') {
      const parsed = parseMetricLine(line);
      if (parsed) measurements.push(...parsed);
      else if (complete) skippedLines++;
      else break; // a torn final line stays unconsumed
    }
    position = end;
  }
  return { measurements, nextOffset: position, skippedLines };
}

/** How many recently consumed lines the reader remembers to recognise them in a rewritten file. */
const REMEMBERED_LINES = 10_000;

/**
 * Reads a metric file again and again while its trainer runs, returning only what is new each time.
 *
 * Reads are incremental: the reader keeps the byte offset after the last complete line it consumed and that
 * line's bytes (the anchor). If the file still holds the anchor just before the offset, it was appended to
 * and only the bytes after the offset are read. Otherwise it was rewritten (cloudml-hypertune's way) and is
 * read whole. Either way lines already consumed are recognised by their text and skipped: a rewrite can be
 * caught half done (a reader sees the old lines come back one by one), and every record carries its own
 * timestamp, so equal text means the same report. (A writer that appends two identical lines with no
 * timestamp loses the second; it carries no new information.)
 */
export class MetricFileReader {
  private offset = 0;
  private anchor: Buffer = Buffer.alloc(0);
  private readonly seen = new Set<string>();
  /** Complete lines, since the reader was created, that were not records. */
  skippedLines = 0;

  constructor(readonly path: string) {}

  /**
   * The measurements reported since the last call, in file order. A missing file has none. `final`: the
   * writer has exited, so a last line without a newline is complete.
   */
  async read(options: { final?: boolean } = {}): Promise<Measurement[]> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const start = (await this.appendedSince(handle, size)) ? this.offset : 0;
      const bytes = Buffer.alloc(Math.max(0, size - start));
      const { bytesRead } = bytes.length > 0 ? await handle.read(bytes, 0, bytes.length, start) : { bytesRead: 0 };
      return this.consume(bytes.subarray(0, bytesRead), start, options.final ?? false);
    } finally {
      await handle.close();
    }
  }

  /** Whether the file still holds the anchor line just before the offset, i.e. was only appended to. */
  private async appendedSince(handle: FileHandle, size: number): Promise<boolean> {
    if (this.offset === 0 || size < this.offset) return false;
    const probe = Buffer.alloc(this.anchor.length);
    const { bytesRead } = await handle.read(probe, 0, probe.length, this.offset - this.anchor.length);
    return bytesRead === probe.length && probe.equals(this.anchor);
  }

  private consume(bytes: Buffer, start: number, final: boolean): Measurement[] {
    const out: Measurement[] = [];
    let position = 0;
    while (position < bytes.length) {
      const nl = bytes.indexOf(0x0a, position);
      const complete = nl >= 0;
      if (!complete && !final) break;
      const end = complete ? nl + 1 : bytes.length;
      const line = bytes.subarray(position, complete ? nl : end).toString('utf8').replace(/\r$/, '');
      if (line.trim() !== '' && !this.seen.has(line)) {
        const parsed = parseMetricLine(line);
        if (!parsed && !complete) break; // torn, even at the end: nothing more will come, nothing to take
        this.remember(line);
        if (parsed) out.push(...parsed);
        else this.skippedLines++;
      }
      if (complete) {
        this.offset = start + end;
        this.anchor = Buffer.from(bytes.subarray(position, end));
      }
      position = end;
    }
    return out;
  }

  private remember(line: string): void {
    this.seen.add(line);
    if (this.seen.size > REMEMBERED_LINES) this.seen.delete(this.seen.values().next().value as string);
  }
}
