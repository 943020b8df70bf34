/**
 * Dynamic batching, as TF Serving's batching does it: requests for the same model version wait in a queue
 * and go to the engine together, once the queued instances reach `maxBatchSize` or the oldest request has
 * waited `batchTimeoutMicros`; each request then gets its own slice of the answer, in order.
 * At most `maxConcurrentBatches` engine calls run at once (TF Serving's num_batch_threads); requests that
 * arrive meanwhile form the next batch, which is how batches grow under load.
 * A request larger than `maxBatchSize` is never split: it runs as a batch of its own.
 */
import type { PredictOutcome } from '../modelEngine';

export interface BatchingOptions {
  maxBatchSize: number;
  batchTimeoutMicros: number;
  maxConcurrentBatches?: number;
}

interface Task {
  instances: unknown[];
  enqueuedAt: number;
  resolve(outcomes: PredictOutcome[]): void;
  reject(err: unknown): void;
}

export type RunBatch = (instances: unknown[]) => Promise<PredictOutcome[]>;

export class Batcher {
  private readonly queue: Task[] = [];
  private queuedInstances = 0;
  private running = 0;
  private timer: { cancel(): void } | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly maxConcurrent: number;

  constructor(
    private readonly run: RunBatch,
    private readonly options: BatchingOptions,
    /** Told the size of every engine call (for the batch-size histogram). */
    private readonly onBatch?: (size: number) => void,
  ) {
    this.maxConcurrent = Math.max(1, options.maxConcurrentBatches ?? 1);
  }

  submit(instances: unknown[]): Promise<PredictOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ instances, enqueuedAt: performance.now(), resolve, reject });
      this.queuedInstances += instances.length;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running (for shutdown and for unloading a version). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  private schedule(): void {
    if (this.queue.length === 0) {
      if (this.running === 0) this.idleWaiters.splice(0).forEach((w) => w());
      return;
    }
    if (this.running >= this.maxConcurrent) return; // the running batch calls schedule() when it ends
    const waitedMicros = (performance.now() - this.queue[0].enqueuedAt) * 1000;
    if (this.queuedInstances >= this.options.maxBatchSize || waitedMicros >= this.options.batchTimeoutMicros) {
      this.flush();
      return;
    }
    if (this.timer) return;
    const delayMs = (this.options.batchTimeoutMicros - waitedMicros) / 1000;
    const fire = () => {
      this.timer = undefined;
      this.schedule();
    };
    // setTimeout cannot wait less than 1 ms; under that, the end of this turn of the event loop is as good
    // (every request already read in this turn joins the batch).
    if (delayMs < 1) {
      const handle = setImmediate(fire);
      this.timer = { cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(fire, delayMs);
      this.timer = { cancel: () => clearTimeout(handle) };
    }
  }

  private flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batch: Task[] = [this.queue.shift()!];
    let size = batch[0].instances.length;
    while (this.queue.length > 0 && size + this.queue[0].instances.length <= this.options.maxBatchSize) {
      const task = this.queue.shift()!;
      size += task.instances.length;
      batch.push(task);
    }
    this.queuedInstances -= size;
    this.running++;
    const instances = batch.length === 1 ? batch[0].instances : batch.flatMap((t) => t.instances);
    this.onBatch?.(size);
    let call: Promise<PredictOutcome[]>;
    try {
      call = this.run(instances);
    } catch (err) {
      call = Promise.reject(err);
    }
    call
      .then((outcomes) => {
        if (!Array.isArray(outcomes) || outcomes.length !== size) {
          throw new Error(`the engine returned ${Array.isArray(outcomes) ? outcomes.length : 'no'} outcomes for ${size} instances`);
        }
        let offset = 0;
        for (const task of batch) {
          task.resolve(outcomes.slice(offset, offset + task.instances.length));
          offset += task.instances.length;
        }
      })
      .catch((err: unknown) => batch.forEach((task) => task.reject(err)))
      .finally(() => {
        this.running--;
        this.schedule();
      });
    // More may be ready (several concurrent batches, or a queue longer than one batch).
    if (this.running < this.maxConcurrent && this.queue.length > 0) this.schedule();
  }
}
