/**
 * Engine replicas in worker threads. An engine that computes on the calling thread (TensorFlow.js on
 * wasm, the TypeScript tree evaluator) leaves nothing to overlap, and parsing the JSON in, running the
 * model and serialising the JSON out all compete for that one thread. Each worker loads the model folder
 * itself and turns a batch of raw lines into finished output text (`predictBatch`), so the main thread
 * only splits lines, orders the answers and writes them; only strings cross between threads.
 *
 * A worker is started from a script that, given `workerArgv`, calls `runEngineWorker()`: the CLI starts
 * itself with a hidden command, since the bundled CLI has no separate worker file.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { loadModelFolder } from '../serving/loadModelFolder';
import { type Batch, type BatchOutput, type BatchPredictor, EngineFailure, predictBatch } from './predictBatch';

interface WorkerInit {
  modelDir: string;
}
type ToWorker = { id: number; batch: Batch; fileNames: string[] };
type FromWorker =
  | { ready: string }
  | { loadError: string }
  | { id: number; output: BatchOutput }
  | { id: number; error: string; engineFailure: boolean };

interface Replica {
  worker: Worker;
  outstanding: number;
}

export async function startEnginePool(modelDir: string, count: number, script: string, workerArgv: string[]): Promise<BatchPredictor> {
  const pending = new Map<number, { resolve(o: BatchOutput): void; reject(e: Error): void }>();
  let nextId = 0;
  let runtime = '';
  const replicas: Replica[] = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Replica>((resolve, reject) => {
          const worker = new Worker(script, { argv: workerArgv, workerData: { modelDir } satisfies WorkerInit, stdout: false, stderr: false });
          const replica: Replica = { worker, outstanding: 0 };
          worker.on('message', (m: FromWorker) => {
            if ('ready' in m) return (runtime = m.ready), resolve(replica);
            if ('loadError' in m) return reject(new Error(m.loadError));
            const call = pending.get(m.id);
            if (!call) return;
            pending.delete(m.id);
            replica.outstanding--;
            if ('output' in m) call.resolve(m.output);
            else call.reject(m.engineFailure ? new EngineFailure(m.error) : new Error(m.error));
          });
          // A worker that dies takes its batches with it: fail them, the job stops and stays resumable.
          worker.on('error', (err) => {
            reject(err);
            for (const [id, call] of pending) {
              pending.delete(id);
              call.reject(new Error(`an engine worker failed: ${err.message}`));
            }
          });
        }),
    ),
  );
  return {
    description: `${runtime} ×${count} worker threads`,
    predict(batch, fileNames) {
      // Least busy replica: batches take about equal time, so this is round-robin in practice.
      const replica = replicas.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
      replica.outstanding++;
      const id = nextId++;
      return new Promise<BatchOutput>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        replica.worker.postMessage({ id, batch, fileNames } satisfies ToWorker);
      });
    },
    async close() {
      await Promise.all(replicas.map((r) => r.worker.terminate()));
    },
  };
}

/** The worker side: load the model, then answer batches until terminated. */
export async function runEngineWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the batch engine worker runs only inside a worker thread');
  const { modelDir } = workerData as WorkerInit;
  let engine;
  try {
    engine = await loadModelFolder(modelDir);
  } catch (err) {
    port.postMessage({ loadError: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
    return;
  }
  const loaded = engine;
  port.on('message', (m: ToWorker) => {
    predictBatch(loaded, m.batch, m.fileNames).then(
      (output) => port.postMessage({ id: m.id, output } satisfies FromWorker),
      (err: unknown) =>
        port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err), engineFailure: err instanceof EngineFailure } satisfies FromWorker),
    );
  });
  port.postMessage({ ready: `${engine.framework}/${engine.runtime}` } satisfies FromWorker);
}
