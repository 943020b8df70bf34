/**
 * bench/train: training throughput of Model Lab's loop against plain TensorFlow.js `model.fit`, on
 * the same backend, model and data, measured in the same process run. MLP 784-256-128-10, batch 128,
 * synthetic data. Prints examples/s, the ratios, and peak memory; with PyTorch installed
 * (python3-torch), the same model in a plain PyTorch loop as a further reference.
 *
 *   npm run bench:train -- [--examples 8192] [--epochs 3] [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/runtime/backend/selectBackend';
import { patchWasmMatMul } from '../../src/runtime/backend/wasmMatMulPatch';
import { resolveLoss, resolveMetrics } from '../../src/runtime/train/lossesAndMetrics';
import { runTrainingLoop } from '../../src/runtime/train/trainingLoop';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '8192' },
    epochs: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const N = Number(values.examples);
const EPOCHS = Number(values.epochs);
const BATCH = 128;
const backendName = values.backend as 'wasm' | 'cpu';

function makeModel(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  return m;
}

function syntheticData() {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const x = new Float32Array(N * 784).map(() => rand());
  const y = new Float32Array(N * 10);
  for (let i = 0; i < N; i++) y[i * 10 + Math.floor(rand() * 10)] = 1;
  return { x, y };
}

async function timeFit(x: Float32Array, y: Float32Array): Promise<number> {
  const model = makeModel();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xt = tf.tensor2d(x, [N, 784]);
  const yt = tf.tensor2d(y, [N, 10]);
  await model.fit(xt, yt, { batchSize: BATCH, epochs: 1, verbose: 0 }); // warm-up
  const t = performance.now();
  await model.fit(xt, yt, { batchSize: BATCH, epochs: EPOCHS, verbose: 0, shuffle: true });
  const rate = (N * EPOCHS) / ((performance.now() - t) / 1000);
  tf.dispose([xt, yt]);
  model.dispose();
  return rate;
}

async function timeLoop(x: Float32Array, y: Float32Array): Promise<{ rate: number; tensorGrowth: number }> {
  const model = makeModel();
  const train = { x, y, n: N, xShape: [784], yWidth: 10 };
  const common = {
    model,
    train,
    batchSize: BATCH,
    optimizer: tf.train.adam(1e-3),
    loss: resolveLoss('categoricalCrossentropy'),
    metrics: resolveMetrics(['accuracy'], 'classification'),
    seed: 1,
    shuffle: true,
  };
  await runTrainingLoop({ ...common, epochs: 1 }); // warm-up
  const before = tf.memory().numTensors;
  const t = performance.now();
  await runTrainingLoop({ ...common, epochs: EPOCHS });
  const rate = (N * EPOCHS) / ((performance.now() - t) / 1000);
  const tensorGrowth = tf.memory().numTensors - before;
  model.dispose();
  return { rate, tensorGrowth };
}

/** Debian's python3-torch lives in the system Python, which may not be the first python3 on PATH. */
function pythonWithTorch(): string | undefined {
  return ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
}

function pytorchRate(): number | undefined {
  const python = pythonWithTorch();
  if (!python) return undefined;
  const out = spawnSync(python, [join(__dirname, 'torch_mlp.py'), String(N), String(EPOCHS)], { encoding: 'utf8' });
  const rate = Number(out.stdout.trim().split('\n').pop());
  return Number.isFinite(rate) ? rate : undefined;
}

async function main() {
  const { x, y } = syntheticData();
  let stockFit: number | undefined;
  if (backendName === 'wasm') {
    // The stock wasm backend first, before selectBackend installs Model Lab's matmul kernel fix.
    setWasmPaths(join(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    stockFit = await timeFit(x, y);
  }
  const info = await selectBackend(backendName);
  if (backendName === 'wasm') patchWasmMatMul();
  const fit = await timeFit(x, y);
  const loop = await timeLoop(x, y);
  const torch = pytorchRate();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  const f = (v: number) => v.toFixed(0).padStart(7);
  console.log(`bench/train — MLP 784-256-128-10, batch ${BATCH}, ${N} examples × ${EPOCHS} epochs, backend ${info.name} (${info.device})`);
  if (stockFit !== undefined) console.log(`  model.fit, stock tfjs wasm kernels      ${f(stockFit)} ex/s`);
  console.log(`  model.fit, with Model Lab's kernel fix  ${f(fit)} ex/s`);
  console.log(`  Model Lab training loop                 ${f(loop.rate)} ex/s`);
  if (torch !== undefined) console.log(`  PyTorch (python3-torch) plain loop      ${f(torch)} ex/s`);
  const baseline = stockFit ?? fit;
  console.log(`  ratio loop / model.fit (stock)          ${(loop.rate / baseline).toFixed(2)}×  (target ≥ 1.5×: ${loop.rate / baseline >= 1.5 ? 'met' : 'NOT met'})`);
  if (stockFit !== undefined) console.log(`  ratio loop / model.fit (same kernels)   ${(loop.rate / fit).toFixed(2)}×`);
  if (torch !== undefined) console.log(`  ratio loop / PyTorch                    ${(loop.rate / torch).toFixed(2)}×`);
  console.log(`  peak RSS ${peakRssMiB.toFixed(0)} MiB; tensors after the loop vs before: ${loop.tensorGrowth >= 0 ? '+' : ''}${loop.tensorGrowth}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
