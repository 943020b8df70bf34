/**
 * The output shards of one kind, written with plain synchronous appends: the data goes to the page
 * cache at memory speed, and durability comes from `sync()`, which the job calls before each journal
 * checkpoint rather than after every batch (one fsync per shard per checkpoint, not per batch).
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export class ShardWriter {
  private readonly fds: number[];
  private readonly dirty: boolean[];
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

  write(shard: number, text: string): void {
    if (text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fds[shard], bytes, done, bytes.length - done);
    this.lengths[shard] += bytes.length;
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
