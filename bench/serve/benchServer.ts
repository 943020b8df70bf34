/**
 * The server side of bench/serve, run as its own process: startServer (what `model-lab serve <folder>`
 * runs) on the model folder; or `bare`, a plain node:http server that reads each body and answers a fixed prediction without looking at
 * it — the most requests per second any Node server can answer here, which bounds what batching can gain.
 *   node --import tsx bench/serve/benchServer.ts <folder> <folder|bare> <batching: on|off>
 * Prints the URL on stdout; SIGTERM shuts it down gracefully.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../../src/runtime/serving/server/startServer';

function startBare(): void {
  const answer = JSON.stringify({ predictions: [[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]] });
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`serving on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  process.once('SIGTERM', () => process.exit(0));
}

async function main() {
  const [folder, engine, batching] = process.argv.slice(2);
  if (engine === 'bare') return startBare();
  const started = await startServer({
    folder,
    name: 'mlp',
    host: '127.0.0.1',
    port: 0,
    batching: batching === 'on' ? { maxBatchSize: 64, batchTimeoutMicros: 2000 } : undefined,
    log: (line) => console.error(line),
  });
  console.log(`serving on ${started.url}`);
  process.once('SIGTERM', () => void started.server.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
