/**
 * The warm worker pool: runtime child processes (dist/runtime.js, the same process the extension
 * drives) that train one trial at a time each and are reused across trials, so TensorFlow.js is loaded
 * and its backend initialised once per worker, not once per trial. A trial that crashes, hangs or runs
 * out of memory takes only its worker down: the pool drops that worker and starts a fresh one for the
 * next trial, and the study goes on.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RuntimeClient } from '../../runtime-client/runtimeClient';

/**
 * Where the runtime bundle is: beside this code once bundled (dist/cli.js and dist/runtime.js are
 * siblings), or in dist/ when this file runs from source (tests, benches).
 */
export function defaultRuntimePath(): string {
  const candidates = [join(__dirname, 'runtime.js'), resolve(__dirname, '../../../dist/runtime.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the runtime bundle (dist/runtime.js) is missing: run \`npm run build\` (looked in ${candidates.join(', ')})`);
  return found;
}

export interface WorkerPoolOptions {
  runtimePath: string;
  /** What a worker wrote on stderr (TensorFlow.js warnings, a crash's last words). */
  onStderr?(pid: number | undefined, text: string): void;
}

export class WorkerPool {
  private readonly idle: RuntimeClient[] = [];
  private readonly all = new Set<RuntimeClient>();
  private readonly warming: Promise<RuntimeClient>[] = [];
  private closed = false;
  /** Workers started over the pool's life (more than its size means some were replaced). */
  started = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * Starts `count` workers ahead of the first trials, in parallel. A trial that asks for a worker
   * meanwhile takes one of these as it comes up rather than starting yet another process.
   */
  warm(count: number): void {
    const missing = Math.max(0, count - this.all.size - this.warming.length);
    for (let i = 0; i < missing; i++) {
      const starting = this.startWorker();
      // A start that fails surfaces when a trial acquires it; unclaimed, it is only dropped.
      starting.catch(() => undefined);
      this.warming.push(starting);
    }
  }

  /** A warm idle worker, one that is starting, or a new one. */
  async acquire(): Promise<RuntimeClient> {
    if (this.closed) throw new Error('the worker pool is closed');
    while (this.idle.length > 0) {
      const worker = this.idle.pop()!;
      if (worker.isRunning) return worker;
      this.all.delete(worker);
    }
    const starting = this.warming.shift();
    return starting ?? this.startWorker();
  }

  /** Gives a worker back after a trial; a dead one is dropped (the next acquire starts a fresh one). */
  release(worker: RuntimeClient): void {
    if (!worker.isRunning || this.closed) {
      this.all.delete(worker);
      if (this.closed) void worker.dispose();
      return;
    }
    this.idle.push(worker);
  }

  /** Ends a worker that does not answer (a hung trial): SIGKILL, so its pending request fails at once. */
  kill(worker: RuntimeClient): void {
    worker.child.kill('SIGKILL');
    this.all.delete(worker);
  }

  async dispose(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    // Workers still starting end themselves once up (startWorker sees the pool closed).
    await Promise.allSettled(this.warming.splice(0));
    await Promise.all([...this.all].map((w) => w.dispose()));
    this.all.clear();
  }

  private async startWorker(): Promise<RuntimeClient> {
    // stderr can arrive before start() answers: the pid is filled in once known.
    const who: { pid?: number } = {};
    const worker = await RuntimeClient.start({
      runtimePath: this.options.runtimePath,
      onStderr: (text) => this.options.onStderr?.(who.pid, text),
    });
    who.pid = worker.pid;
    this.started++;
    if (this.closed) {
      await worker.dispose();
      throw new Error('the worker pool is closed');
    }
    this.all.add(worker);
    return worker;
  }
}
