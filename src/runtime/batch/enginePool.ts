/**
 * Engine replicas in worker threads. An engine that computes on the calling thread (TensorFlow.js on
 * wasm, the TypeScript tree evaluator) leaves nothing to overlap, and parsing the JSON in, running the
 * model and serialising the JSON out all compete for that one thread. Each worker loads the model folder
 * itself and turns batches of raw lines into finished output text (`predictBatch`), so the main thread
 * only finds line ends, decodes whole chunks, orders the answers and writes them: it neither parses nor
 * serialises a row. Input lines go to a worker as strings; output comes back as UTF-8 bytes encoded
 * there, transferred (see `encoded`).
 *
 * A worker is started from a script that, given `workerArgv`, calls `runEngineWorker()`: the CLI starts
 * itself with a hidden command, since the bundled CLI has no separate worker file.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { loadModelFolder } from '../serving/loadModelFolder';
import type { Batch } from './inputRecords';
import { GarbageCollector } from './collectGarbage';
import { type BatchOutput, type BatchPredictor, EngineFailure, predictBatch } from './predictBatch';

interface WorkerInit {
  modelDir: string;
}
/** Several consecutive batches in one message (fewer wake-ups per row at small batch sizes). */
type ToWorker = { id: number; batches: Batch[]; fileNames: string[] };
type FromWorker =
  | { ready: string }
  | { loadError: string }
  /** The outputs of the batches done, in order; `error` when the next one failed (later ones were not run). */
  | { id: number; outputs: BatchOutput[]; error?: string; engineFailure?: boolean };

/** Output text as UTF-8 in a buffer of its own, to be transferred. */
const encoder = new TextEncoder();
function encoded(output: BatchOutput): BatchOutput {
  return { ...output, results: encoder.encode(output.results as string), errors: encoder.encode(output.errors as string) };
}

interface Replica {
  worker: Worker;
  outstanding: number;
}

interface Deferred {
  resolve(o: BatchOutput): void;
  reject(e: Error): void;
}

/** Rows a worker is sent at once: batches are grouped up to this (a batch is never split). */
const GROUP_ROWS = 512;

export async function startEnginePool(modelDir: string, count: number, script: string, workerArgv: string[]): Promise<BatchPredictor> {
  const pending = new Map<number, { replica: Replica; calls: Deferred[] }>();
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
            const group = pending.get(m.id);
            if (!group) return;
            pending.delete(m.id);
            replica.outstanding--;
            group.calls.forEach((call, i) => {
              if (i < m.outputs.length) call.resolve(m.outputs[i]);
              else call.reject(m.engineFailure ? new EngineFailure(m.error!) : new Error(m.error ?? 'an engine worker answered too few batches'));
            });
          });
          // A worker that dies takes its batches with it: fail them, the job stops and stays resumable.
          worker.on('error', (err) => {
            reject(err);
            for (const [id, group] of pending) {
              pending.delete(id);
              for (const call of group.calls) call.reject(new Error(`an engine worker failed: ${err.message}`));
            }
          });
        }),
    ),
  );
  return {
    description: `${runtime} ×${count} worker threads`,
    groupRows: GROUP_ROWS,
    predict(batches, fileNames) {
      // Least busy replica: groups take about equal time, so this is round-robin in practice.
      const replica = replicas.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
      replica.outstanding++;
      const id = nextId++;
      const calls: Deferred[] = [];
      const outputs = batches.map((): Promise<BatchOutput> => new Promise((resolve, reject) => calls.push({ resolve, reject })));
      pending.set(id, { replica, calls });
      replica.worker.postMessage({ id, batches, fileNames } satisfies ToWorker);
      return outputs;
    },
    async close() {
      await Promise.all(replicas.map((r) => r.worker.terminate()));
    },
  };
}

/** The worker side: load the model, then answer groups of batches until terminated. */
export async function runEngineWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the batch engine worker runs only inside a worker thread');
  const { modelDir } = workerData as WorkerInit;
  let engine;
  try {
    // One ONNX Runtime thread per replica: the pool already runs one replica per core, and a session's
    // default pool of one thread per core would make that cores² threads competing for the cores.
    engine = await loadModelFolder(modelDir, { onnxThreads: 1 });
  } catch (err) {
    port.postMessage({ loadError: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
    return;
  }
  const loaded = engine;
  // The batches of a group, and of the groups queued, run concurrently, as in the main thread: the
  // engine may compute one batch off this thread (ONNX Runtime does) while the next is parsed here.
  const collector = new GarbageCollector();
  port.on('message', (m: ToWorker) => {
    for (const batch of m.batches) collector.after(batch.bytes);
    void Promise.allSettled(m.batches.map((batch) => predictBatch(loaded, batch, m.fileNames))).then((settled) => {
      const outputs: BatchOutput[] = [];
      let failure: unknown;
      for (const s of settled) {
        if (s.status === 'rejected') {
          failure = s.reason;
          break;
        }
        outputs.push(encoded(s.value));
      }
      // Output goes back as bytes, transferred: output strings copied into the main thread's heap
      // would outlive scavenges there while they wait their turn, and pile up in its old generation.
      const transfer = outputs.flatMap((o) => [(o.results as Uint8Array).buffer as ArrayBuffer, (o.errors as Uint8Array).buffer as ArrayBuffer]);
      const error = failure === undefined ? {} : { error: failure instanceof Error ? failure.message : String(failure), engineFailure: failure instanceof EngineFailure };
      port.postMessage({ id: m.id, outputs, ...error } satisfies FromWorker, transfer);
    });
  });
  port.postMessage({ ready: `${engine.framework}/${engine.runtime}` } satisfies FromWorker);
}
