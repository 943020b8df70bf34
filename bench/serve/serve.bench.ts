/**
 * bench/serve: online prediction throughput and latency of `model-lab serve` against the raw engine
 * called in-process, measured in the same run. Model: an MLP 784-256-128-10 (seeded TensorFlow.js layers,
 * converted to ONNX by Model Lab's converter), served as an ONNX model folder through loadModelFolder, as
 * `model-lab serve <folder>` does; one instance = a list of 784 numbers with 3 decimals. The server runs
 * as its own process (benchServer.ts), the client here, with keep-alive connections, sending bodies
 * encoded once (as a load generator does: the client's own encoding is not the server's cost).
 *
 *   node --import tsx bench/serve/serve.bench.ts [--seconds 3]
 *
 * Prints requests/s and p50/p99 at concurrency 1, 8, 64 with and without dynamic batching, the raw engine
 * at batch 1, 8, 64, 64 concurrent in-process callers with and without the server's Batcher, a bare node:http server that answers without parsing (the ceiling for any Node server
 * here), and the ratios the issue sets targets for:
 *   batched / unbatched requests/s at concurrency 64 (target ≥ 5), beside ceiling / unbatched (the most
 *   any batching could gain on this machine), and
 *   HTTP+JSON instances/s at batch 64 (requests of 64 instances, at concurrency 1 and at the best of 1, 2,
 *   4) / raw engine at batch 64 (target ≥ 0.5).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { convertLayersModelToOnnx } from '../../src/runtime/onnx/convertLayersModel';
import { loadModelFolder } from '../../src/runtime/serving/loadModelFolder';
import { Batcher } from '../../src/runtime/serving/server/batcher';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const SERVER = join(__dirname, 'benchServer.ts');

async function makeModelFolder(): Promise<string> {
  // Building the layers only needs a backend for the initial weights; the CPU one is enough.
  await tf.setBackend('cpu');
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-serve-'));
  writeFileSync(join(dir, 'mlp.onnx'), convertLayersModelToOnnx(m));
  return dir;
}

function instances(n: number): number[][] {
  let s = 12345;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, () => Array.from({ length: 784 }, () => Math.round(rand() * 1000) / 1000));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `job` with `concurrency` loops for SECONDS after a short warm-up; latencies in ms. */
async function measure(concurrency: number, job: () => Promise<void>): Promise<Measured> {
  const warmUntil = performance.now() + 500;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < warmUntil) await job();
  }));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await job();
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 128 });
function post(url: string, body: Buffer): Promise<void> {
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) fail(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        else {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          done();
        }
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function startServer(dir: string, engine: string, batching: boolean): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, dir, engine, batching ? 'on' : 'off'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) done(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const fmt = (m: Measured, unit: string) => `${m.perSecond.toFixed(0).padStart(7)} ${unit}/s   p50 ${m.p50.toFixed(2).padStart(7)} ms   p99 ${m.p99.toFixed(2).padStart(7)} ms`;

async function bench(dir: string) {
  const engine = await loadModelFolder(dir);
  console.log(`\n=== engine: loadModelFolder (${engine.framework} on ${engine.runtime})`);
  const raw: Record<number, Measured> = {};
  console.log('raw engine, in-process (engine.predict on already-parsed instances):');
  for (const batch of [1, 8, 64]) {
    const x = instances(batch);
    raw[batch] = await measure(1, async () => {
      const out = await engine.predict(x);
      if (out.some((o) => 'error' in o)) throw new Error(JSON.stringify(out.find((o) => 'error' in o)));
    });
    console.log(`  batch ${String(batch).padStart(2)}: ${fmt(raw[batch], 'calls')}   = ${(raw[batch].perSecond * batch).toFixed(0)} instances/s`);
  }
  // Dynamic batching without HTTP: 64 callers of one instance each, straight to the engine or through the
  // server's Batcher (same settings as the server below). What batching gains where HTTP costs nothing.
  const single = instances(1);
  const direct = await measure(64, async () => void (await engine.predict(single)));
  const batcher = new Batcher((xs) => engine.predict(xs), { maxBatchSize: 64, batchTimeoutMicros: 2000 });
  const batched = await measure(64, async () => void (await batcher.submit(single)));
  console.log(`in-process, 64 concurrent one-instance calls: engine.predict ${fmt(direct, 'calls')}; through the Batcher ${fmt(batched, 'calls')} = ${(batched.perSecond / direct.perSecond).toFixed(2)}×`);
  await engine.close();

  const one = Buffer.from(JSON.stringify({ instances: instances(1) }));
  const sixtyFour = Buffer.from(JSON.stringify({ instances: instances(64) }));
  const byMode: Record<string, Record<number, Measured>> = { off: {}, on: {} };
  const http64: Record<number, Measured> = {};
  for (const batching of [false, true]) {
    const server = await startServer(dir, 'folder', batching);
    const url = `${server.url}/v1/models/mlp:predict`;
    console.log(`HTTP, one instance per request, ${batching ? 'with dynamic batching (max 64, 2 ms)' : 'without batching'}:`);
    for (const c of [1, 8, 64]) {
      byMode[batching ? 'on' : 'off'][c] = await measure(c, () => post(url, one));
      console.log(`  concurrency ${String(c).padStart(2)}: ${fmt(byMode[batching ? 'on' : 'off'][c], 'req')}`);
    }
    if (!batching) {
      for (const c of [1, 2, 4]) {
        http64[c] = await measure(c, () => post(url, sixtyFour));
        console.log(`  64 instances per request, concurrency ${c}: ${fmt(http64[c], 'req')}   = ${(http64[c].perSecond * 64).toFixed(0)} instances/s`);
      }
    }
    await server.stop();
  }
  const bare = await startServer(dir, 'bare', false);
  const ceiling = await measure(64, () => post(bare.url, one));
  console.log(`bare node:http server (reads the body, answers a fixed prediction), one instance per request, concurrency 64: ${fmt(ceiling, 'req')}`);
  await bare.stop();

  const best64 = Math.max(...Object.values(http64).map((m) => m.perSecond));
  console.log('ratios (same run):');
  console.log(`  batching at concurrency 64: ${(byMode.on[64].perSecond / byMode.off[64].perSecond).toFixed(2)}× unbatched requests/s (target ≥ 5×); ceiling: the bare server answers ${(ceiling.perSecond / byMode.off[64].perSecond).toFixed(2)}× unbatched`);
  console.log(`  HTTP+JSON at batch 64: ${((http64[1].perSecond / raw[64].perSecond) * 100).toFixed(0)}% of raw engine instances/s at concurrency 1, ${((best64 / raw[64].perSecond) * 100).toFixed(0)}% at the best of 1, 2, 4 (target ≥ 50%)`);
}

async function main() {
  const dir = await makeModelFolder();
  console.log(`bench/serve: MLP 784-256-128-10 (${dir}), ${SECONDS} s per measurement, Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}`);
  try {
    await bench(dir);
  } finally {
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
