/**
 * A full collection of this thread's heap every so many input bytes, in the job's main thread and in
 * each engine worker. What a batch allocates is garbage once the batch is written, but some of it
 * outlives two scavenges while batches wait their turn and is promoted, and output bytes transferred
 * between threads are external memory that only a collection frees; V8 then lets the old generation
 * and external memory grow to several times what is live before it collects them in full, so RSS
 * would depend on how long the job runs. A full collection of the few tens of MB live here takes
 * milliseconds: every 8 MiB of input a thread handles (measured on the bench: 64 MiB or none let RSS
 * grow 20% from a 10 MB to a 100 MB input, 8 MiB 7%, for no measurable loss of rows/s).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const COLLECT_EVERY_BYTES = 8 << 20;

let gc: (() => void) | null | undefined;

function collect(): void {
  if (gc === undefined) {
    try {
      // `gc` exists in contexts created after the flag is set: a new one hands it over.
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

export class GarbageCollector {
  private since = 0;
  constructor(private readonly every = COLLECT_EVERY_BYTES) {}

  /** Counts `bytes` of input done; collects when `every` have been done since the last time. */
  after(bytes: number): void {
    this.since += bytes;
    if (this.since < this.every) return;
    this.since = 0;
    collect();
  }
}
