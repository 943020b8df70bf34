/**
 * bench/serve/engines: inference time of one batch for the MLP 784-256-128-10, ONNX Runtime (the
 * graph Model Lab's converter writes, in a session opened as Model Lab opens them) against TensorFlow.js on wasm (chosen by Model Lab's
 * selectBackend, with its kernel fixes) and on cpu, all in the same process run. Prints ms/batch
 * and each runtime's time as a multiple of ONNX Runtime's; checks the outputs agree first.
 *
 *   node --import tsx bench/serve/engines.bench.ts [--min-ms 400]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { selectBackend } from '../../src/runtime/backend/selectBackend';
import { convertLayersModelToOnnx } from '../../src/runtime/onnx/convertLayersModel';
import { createOnnxSession } from '../../src/runtime/serving/engines/onnxSession';

const { values } = parseArgs({ options: { 'min-ms': { type: 'string', default: '400' } } });
const MIN_MS = Number(values['min-ms']);
const BATCHES = [1, 64, 256];

function makeModel(): tfl.Sequential {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu', kernelInitializer: init(1), biasInitializer: 'randomNormal' }),
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
}

function inputs(batch: number): Float32Array {
  let s = 99 + batch;
  return new Float32Array(batch * 784).map(() => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

/** Median ms of `fn` over repeated runs after warm-up, running for at least MIN_MS. */
async function time(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 5 || performance.now() - start < MIN_MS) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** tfjs the way a server would: tensor in, model, data out (`predict` adds its own batching/checks). */
function tfjsRunner(model: tfl.LayersModel, x: Float32Array, batch: number, viaPredict: boolean) {
  return async () => {
    const out = tf.tidy(() => {
      const input = tf.tensor2d(x, [batch, 784]);
      return (viaPredict ? model.predict(input) : model.apply(input, { training: false })) as tf.Tensor;
    });
    const data = await out.data();
    out.dispose();
    return data;
  };
}

function ortRunner(session: ort.InferenceSession, x: Float32Array, batch: number) {
  return async () => (await session.run({ input: new ort.Tensor('float32', x, [batch, 784]) })).output.data;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function main() {
  const wasm = await selectBackend('wasm');
  const model = makeModel();
  const bytes = convertLayersModelToOnnx(model);
  // Sessions as Model Lab opens them (no spinning pool threads): the default thread count, and one thread
  // as batch prediction's engine workers ask for.
  const ortDefault = await createOnnxSession(bytes);
  const ortOne = await createOnnxSession(bytes, { onnxThreads: 1 });

  const rows: Record<string, number>[] = [];
  for (const batch of BATCHES) {
    const x = inputs(batch);
    await tf.setBackend('wasm');
    const reference = (await tfjsRunner(model, x, batch, false)()) as Float32Array;
    const diff = maxDiff((await ortRunner(ortDefault, x, batch)()) as Float32Array, reference);
    if (diff > 1e-5) throw new Error(`ONNX Runtime and tfjs disagree by ${diff} at batch ${batch}`);
    const row: Record<string, number> = { batch, diff };
    row.ort = await time(ortRunner(ortDefault, x, batch));
    row.ort1 = await time(ortRunner(ortOne, x, batch));
    row.wasmApply = await time(tfjsRunner(model, x, batch, false));
    row.wasmPredict = await time(tfjsRunner(model, x, batch, true));
    await tf.setBackend('cpu');
    row.cpuApply = await time(tfjsRunner(model, x, batch, false));
    rows.push(row);
  }

  const f = (ms: number) => ms.toFixed(ms < 1 ? 3 : ms < 10 ? 2 : 1);
  const r = (ms: number, base: number) => `${(ms / base).toFixed(1)}×`;
  console.log(`MLP 784-256-128-10, ms per batch (median), Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
    `onnxruntime-node ${ort.env.versions.common}, tfjs ${tf.version_core}, wasm SIMD ${String(wasm.simd)}`);
  console.log('| batch | ORT | ORT 1 thread | tfjs wasm apply | tfjs wasm predict | tfjs cpu apply | wasm/ORT | wasm predict/ORT | cpu/ORT | wasm/ORT 1 thread | max diff |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const w of rows) {
    console.log(
      `| ${w.batch} | ${f(w.ort)} | ${f(w.ort1)} | ${f(w.wasmApply)} | ${f(w.wasmPredict)} | ${f(w.cpuApply)} | ` +
        `${r(w.wasmApply, w.ort)} | ${r(w.wasmPredict, w.ort)} | ${r(w.cpuApply, w.ort)} | ${r(w.wasmApply, w.ort1)} | ${w.diff.toExponential(1)} |`,
    );
  }
  await ortDefault.release();
  await ortOne.release();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
