/**
 * The input of a batch job, streamed from its files in order and cut into batches.
 *
 * JSON Lines travel as bytes: the reader only finds the line ends (`Buffer.indexOf`, no decoding, no
 * object per line) and hands each batch its lines as one byte range per file (a `LinesSegment`), which
 * is decoded and parsed where the model runs (see predictBatch.ts). So with engine workers the main
 * thread never decodes, splits into strings or parses a line. CSV records come parsed through the
 * dataset reader (`ItemsSegment`), bad ones as `bad` items, so the job can report them and go on.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataError } from '../data/dataError';
import { readBytes } from '../data/openDataFile';
import { readDataFile } from '../data/readDataFile';
import { resolveSource, type SourceFile } from '../data/readSource';

export interface InputFile extends SourceFile {
  /** Size on disk, for the progress estimate and to tell on resume that the input is the same. */
  bytes: number;
}

/** Where a record is: input file index (in job order) and 1-based line. */
export interface InputPosition {
  file: number;
  line: number;
}

/** A parsed (CSV) record or an unreadable line, with the file and line it came from. */
export type InputItem = InputPosition & {
  /** Approximate bytes of input this item covers, for progress. */
  bytes: number;
} & ({ json: string; instance?: unknown } | { bad: string; text: string });

/**
 * `lines` whole JSON Lines lines of file `file`, the first being line `firstLine`, as one string (each
 * line but possibly the last of the file ends in '\n'). Blank lines are in it too (they keep the
 * numbering) and are skipped where it is parsed. A string, not bytes: it travels to a worker inside
 * the V8 heap, collected as young garbage, where transferred ArrayBuffers would pile up as external
 * memory until a full collection (tens of MB on a long job).
 */
export interface LinesSegment {
  file: number;
  firstLine: number;
  lines: number;
  text: string;
}

export interface ItemsSegment {
  file: number;
  items: InputItem[];
}

export type Segment = LinesSegment | ItemsSegment;

/** Up to `batchSize` instances (non-blank lines or parsed records) plus the unreadable records met on the way. */
export interface Batch {
  segments: Segment[];
  /** Input bytes the batch covers (progress). */
  bytes: number;
  /** The last record of the batch (a blank line is never last). */
  last: InputPosition;
}

export async function resolveInputs(patterns: string[], baseDir: string): Promise<InputFile[]> {
  const files = await resolveSource(patterns, baseDir);
  return Promise.all(files.map(async (f) => ({ ...f, bytes: (await stat(f.path)).size })));
}

/** Cuts the records after `from` (exclusive) into batches, in input order; a batch may span files. */
export async function* readBatches(files: InputFile[], batchSize: number, from?: InputPosition): AsyncGenerator<Batch> {
  const cutter = new Cutter(batchSize);
  for (let i = from?.file ?? 0; i < files.length; i++) {
    const after = from && i === from.file ? from.line : 0;
    if (files[i].format === 'jsonl') yield* cutter.jsonLines(files[i], i, after);
    else yield* cutter.csv(files[i], i, after);
  }
  const rest = cutter.finish();
  if (rest) yield rest;
}

const NL = 10;

class Cutter {
  private segments: Segment[] = [];
  private instances = 0;
  private bytes = 0;
  private last: InputPosition | undefined;
  constructor(private readonly size: number) {}

  private take(): Batch {
    const batch: Batch = { segments: this.segments, bytes: this.bytes, last: this.last! };
    this.segments = [];
    this.instances = 0;
    this.bytes = 0;
    this.last = undefined;
    return batch;
  }

  /** The batch in progress, if it holds any record. */
  finish(): Batch | undefined {
    return this.last ? this.take() : undefined;
  }

  /**
   * JSON Lines, split on '\n' bytes (a line's '\r', a BOM and blank lines are dealt with where it is
   * parsed). Bytes are appended to one reused buffer that starts with the line a chunk end cut; whole
   * lines are decoded as one string per chunk and batch (decoding is the cheap part: no string per line).
   */
  async *jsonLines(file: InputFile, index: number, after: number): AsyncGenerator<Batch> {
    let line = 0;
    let buf = Buffer.allocUnsafeSlow(2 * CHUNK);
    let length = 0;
    // The open segment: text of whole lines so far, and where it starts in `buf`.
    let text = '';
    let segmentBytes = 0;
    let firstLine = 0;
    let lines = 0;
    let from = -1;
    const take = (end: number) => {
      if (from >= 0 && end > from) {
        text += buf.toString('utf8', from, end);
        segmentBytes += end - from;
      }
      from = -1;
    };
    const close = () => {
      if (lines > 0) {
        this.segments.push({ file: index, firstLine, lines, text } satisfies LinesSegment);
        this.bytes += segmentBytes;
      }
      text = '';
      segmentBytes = 0;
      lines = 0;
    };
    // One line [start, end) of buf; true when the batch is full after it.
    const onLine = (start: number, end: number): boolean => {
      line++;
      if (line <= after) return false;
      if (lines === 0) firstLine = line;
      if (from < 0) from = start;
      lines++;
      if (isBlank(buf, start, end)) return false;
      this.last = { file: index, line };
      return ++this.instances >= this.size;
    };
    for await (const chunk of fileChunks(file)) {
      if (length + chunk.length > buf.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(2 * buf.length, length + chunk.length));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      chunk.copy(buf, length);
      length += chunk.length;
      const filled = buf.subarray(0, length);
      let pos = 0;
      for (let nl = filled.indexOf(NL, pos); nl >= 0; nl = filled.indexOf(NL, pos)) {
        const full = onLine(pos, nl);
        pos = nl + 1;
        if (full) {
          take(pos);
          close();
          yield this.take();
        }
      }
      // Whole lines of this chunk that belong to the open segment; the cut line moves to the front.
      take(pos);
      buf.copy(buf, 0, pos, length);
      length -= pos;
    }
    if (length > 0) {
      // A last line without '\n'.
      const full = onLine(0, length);
      take(length);
      close();
      if (full) yield this.take();
    } else {
      close();
    }
  }

  /** CSV through the dataset reader: a header row, one object instance per record, typed as training reads them. */
  async *csv(file: InputFile, index: number, after: number): AsyncGenerator<Batch> {
    let items: InputItem[] = [];
    const flush = () => {
      if (items.length > 0) this.segments.push({ file: index, items } satisfies ItemsSegment);
      items = [];
    };
    for await (const item of readDataFile(file)) {
      if ('bad' in item) {
        if (item.bad.line <= after) continue;
        items.push({ file: index, line: item.bad.line, bytes: item.bad.text.length + 1, bad: item.bad.reason, text: item.bad.text });
        this.bytes += item.bad.text.length + 1;
        this.last = { file: index, line: item.bad.line };
        continue;
      }
      if (item.origin.line <= after) continue;
      items.push({ file: index, line: item.origin.line, bytes: item.text.length + 1, instance: item.record, json: JSON.stringify(item.record) });
      this.bytes += item.text.length + 1;
      this.last = { file: index, line: item.origin.line };
      if (++this.instances >= this.size) {
        flush();
        yield this.take();
      }
    }
    flush();
  }
}

/**
 * Bytes of a file as read: 1 MiB synchronous reads into one reused buffer for a plain file (a chunk is
 * valid until the next is asked for), the shared stream reader for .gz.
 */
const CHUNK = 1 << 20;
async function* fileChunks(file: InputFile): AsyncGenerator<Buffer> {
  if (/\.gz$/i.test(file.path)) {
    yield* readBytes(file.path, file.name);
    return;
  }
  // From the page cache a read takes well under a millisecond: no thread-pool round trip per 64 KiB
  // chunk, which on a loaded machine can wait for a time slice. Engine workers have batches queued
  // meanwhile. An error opening the file is left to the shared reader, which words it.
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    yield* readBytes(file.path, file.name);
    return;
  }
  const buf = Buffer.allocUnsafeSlow(CHUNK);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK, null);
      } catch (err) {
        throw new DataError(`${file.name}: ${(err as Error).message}`);
      }
      if (n === 0) return;
      yield n < CHUNK ? buf.subarray(0, n) : buf;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether line [start, end) holds only white space (such lines are skipped, as `trim()` would). Most
 * lines start with a printable ASCII byte ('{', '[', a digit…): one byte decides; others are decoded.
 */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  if (start >= end) return true;
  const b = buf[start];
  if (b > 0x20 && b < 0x7f) return false;
  return buf.toString('utf8', start, end).trim() === '';
}
