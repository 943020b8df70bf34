/**
 * Incremental reading of append-only files (metrics.jsonl, trials.jsonl, log.txt): each `read` returns
 * only the complete lines written since the last one, so following a study of 10,000 trials costs the
 * new bytes, not the whole history, on every change. A torn last line (a writer mid-append) is held back
 * until its newline arrives. Plain Node: no `vscode`, so it is unit-tested on real files.
 */
import { open, stat } from 'node:fs/promises';

/** Bytes read per system call; a large history is read in slices instead of one huge string. */
const CHUNK_BYTES = 1 << 20;

export interface TailRead {
  lines: string[];
  /** True when the file shrank or was replaced since the last read: `lines` start again from its top. */
  reset: boolean;
}

export class FileTail {
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);
  private identity: string | undefined;

  constructor(readonly file: string) {}

  /** Skips everything written so far (the caller already has it another way, e.g. from live events). */
  async skipToEnd(): Promise<void> {
    try {
      const info = await stat(this.file);
      this.offset = info.size;
      this.identity = `${info.dev}:${info.ino}:${info.birthtimeMs}`;
    } catch {
      this.offset = 0;
    }
    this.pending = Buffer.alloc(0);
  }

  /** New complete lines since the last read (empty when the file does not exist yet). */
  async read(): Promise<TailRead> {
    const lines: string[] = [];
    const reset = await this.readEach((slice) => lines.push(...slice));
    return { lines, reset };
  }

  /**
   * Like `read`, but hands the lines over one slice (≤ 1 MiB) at a time, so a long history is never
   * held in memory whole, and the event loop gets a turn between slices. Returns whether the file
   * started over (see `TailRead.reset`).
   */
  async readEach(onLines: (lines: string[]) => void): Promise<boolean> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch {
      return false;
    }
    try {
      const info = await handle.stat();
      const identity = `${info.dev}:${info.ino}:${info.birthtimeMs}`;
      let reset = false;
      // Inode numbers are reused at once after a delete; with the birth time a re-created file still differs.
      if (info.size < this.offset || (this.identity !== undefined && identity !== this.identity)) {
        // Truncated or replaced (a deleted and re-created folder): start over.
        this.offset = 0;
        this.pending = Buffer.alloc(0);
        reset = true;
      }
      this.identity = identity;
      if (info.size === this.offset) return reset;
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, info.size - this.offset));
      while (this.offset < info.size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, info.size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        // Bytes, not text, are held back: a slice may end inside a multi-byte character.
        const newline = buffer.lastIndexOf(0x0a, bytesRead - 1);
        if (newline < 0) {
          this.pending = Buffer.concat([this.pending, buffer.subarray(0, bytesRead)]);
          continue;
        }
        const text = Buffer.concat([this.pending, buffer.subarray(0, newline)]).toString('utf8');
        this.pending = Buffer.from(buffer.subarray(newline + 1, bytesRead));
        const lines: string[] = [];
        for (const line of text.split('\n')) if (line.trim()) lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (lines.length) onLines(lines);
      }
      return reset;
    } finally {
      await handle.close();
    }
  }
}

/** The last `count` lines of a text file, reading at most `maxBytes` from its end (a log can be large). */
export async function readLastLines(file: string, count: number, maxBytes = 64 * 1024): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // the first line is cut
    return lines.filter((l) => l.trim() !== '').slice(-count);
  } finally {
    await handle.close();
  }
}
