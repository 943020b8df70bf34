/**
 * The output shards of one kind, written with plain synchronous appends: the data goes to the page
 * cache at memory speed, and durability comes from `sync()`, which the job calls before each journal
 * checkpoint rather than after every batch (one fsync per shard per checkpoint, not per batch).
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export class ShardWriter {
  private readonly fds: number[];
  private readonly dirty: boolean[];
  private scratch = Buffer.allocUnsafeSlow(1 << 16);
  readonly lengths: number[];

  /** Opens (or creates) each shard and cuts it to `lengths[i]`: bytes past the last checkpoint are discarded. */
  constructor(
    readonly paths: string[],
    lengths: number[],
  ) {
    this.lengths = [...lengths];
    this.fds = paths.map((p, i) => {
      const fd = openSync(p, 'a');
      ftruncateSync(fd, this.lengths[i]);
      return fd;
    });
    this.dirty = paths.map(() => true);
  }

  /** Text, or UTF-8 bytes (encoded by an engine worker). */
  write(shard: number, text: string | Uint8Array): void {
    if (text.length === 0) return;
    let bytes: Uint8Array;
    let length: number;
    if (typeof text === 'string') {
      // Encoded into one reused buffer: a fresh Buffer per batch is external memory that V8 frees only
      // when this thread's heap is collected, which on a long job lets RSS grow by tens of MB.
      if (3 * text.length > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(Math.max(3 * text.length, 2 * this.scratch.length));
      bytes = this.scratch;
      length = this.scratch.write(text, 0, 'utf8');
    } else {
      bytes = text;
      length = text.length;
    }
    let done = 0;
    while (done < length) done += writeSync(this.fds[shard], bytes, done, length - done);
    this.lengths[shard] += length;
    this.dirty[shard] = true;
  }

  sync(): void {
    this.fds.forEach((fd, i) => {
      if (!this.dirty[i]) return;
      fsyncSync(fd);
      this.dirty[i] = false;
    });
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}
