/**
 * The server side of bench/serve, run as its own process: startServer (what `model-lab serve <folder>`
 * runs) on the model folder, with the folder's own engine (loadModelFolder) or the bench's lean one.
 *   node --import tsx bench/serve/benchServer.ts <folder> <folder|lean> <batching: on|off>
 * Prints the URL on stdout; SIGTERM shuts it down gracefully.
 */
import { join } from 'node:path';
import { startServer } from '../../src/runtime/serving/server/startServer';
import { loadLeanOnnxEngine } from './leanOnnxEngine';

async function main() {
  const [folder, engine, batching] = process.argv.slice(2);
  const started = await startServer({
    folder,
    name: 'mlp',
    host: '127.0.0.1',
    port: 0,
    batching: batching === 'on' ? { maxBatchSize: 64, batchTimeoutMicros: 2000 } : undefined,
    load: engine === 'lean' ? () => loadLeanOnnxEngine(join(folder, 'mlp.onnx')) : undefined,
    log: (line) => console.error(line),
  });
  console.log(`serving on ${started.url}`);
  process.once('SIGTERM', () => void started.server.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
