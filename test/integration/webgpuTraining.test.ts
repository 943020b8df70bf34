/**
 * Training and prediction on the webgpu backend, end to end through the engine (trainJob), against the
 * wasm backend on the same spec. Without a GPU this runs on Mesa's software Vulkan (lavapipe); it skips,
 * saying why, where no adapter exists.
 *
 * Tolerance: the same seeded spec gives the same metrics up to float32 rounding. The backends sum in
 * different orders (tiled GPU reductions, fused bias + activation, batched eval), so each step's values
 * differ in the last bits, and training carries those differences forward. Measured on lavapipe: iris,
 * 10 epochs: |Δ val_loss| 8e-9, |Δ loss| 3e-8; digits (conv net), 3 epochs: |Δ val_loss| 2e-8; the
 * accuracies were identical. Asserted: |Δ| ≤ 1e-4 × max(1, |value|) for losses, and accuracies within one
 * example (a near-tie may flip one prediction).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../src/runtime/backend/selectBackend';
import { GpuError, probeWebGpu, releaseGpuMemory } from '../../src/runtime/backend/webgpuBackend';
import { loadBundle } from '../../src/runtime/bundle/bundle';
import { readInstances } from '../../src/runtime/data/readInstances';
import { buildLayersModel } from '../../src/runtime/model/buildLayersModel';
import { predictRecords } from '../../src/runtime/predict/predictRecords';
import { resolveLoss, resolveMetrics } from '../../src/runtime/train/lossesAndMetrics';
import { trainJob } from '../../src/runtime/train/trainJob';
import { runTrainingLoop } from '../../src/runtime/train/trainingLoop';
import { runCli } from './cliHarness';

const ROOT = resolve(__dirname, '../..');
const IRIS = join(ROOT, 'examples/iris/modellab.yaml');
const LOSS_TOLERANCE = 1e-4;

async function skipWithoutAdapter(t: TestContext): Promise<boolean> {
  const probe = await probeWebGpu();
  if (probe.adapters.length > 0) return false;
  t.skip(`no WebGPU adapter (${probe.reason}); on Debian 12 install Mesa ≥ 24 from bookworm-backports (mesa-vulkan-drivers, libvulkan1)`);
  return true;
}

const workspace = () => mkdtempSync(join(tmpdir(), 'ml-webgpu-'));

test('iris trains on webgpu to the metrics of the wasm run (float tolerance), and its bundle predicts what wasm predicts', async (t) => {
  if (await skipWithoutAdapter(t)) return;
  const overrides = ['training.epochs=10'];
  const onWasm = await trainJob({ specFile: IRIS, workspace: workspace(), backend: 'wasm', overrides });
  const onGpu = await trainJob({ specFile: IRIS, workspace: workspace(), backend: 'webgpu', overrides });
  assert.equal(onGpu.status, 'succeeded');
  assert.equal(onGpu.backend?.name, 'webgpu');
  assert.equal(onGpu.epochsRun, onWasm.epochsRun);
  const run = JSON.parse(readFileSync(join(onGpu.runDir, 'run.json'), 'utf8'));
  assert.equal(run.backend.name, 'webgpu', 'the run records the backend');
  assert.ok(run.backend.adapter?.description, 'and the adapter');

  for (const [name, expected] of Object.entries(onWasm.metrics)) {
    const actual = onGpu.metrics[name];
    const diff = Math.abs(actual - expected);
    t.diagnostic(`${name}: wasm ${expected}, webgpu ${actual}, |Δ| ${diff.toExponential(1)}`);
    if (/accuracy/.test(name)) assert.ok(diff <= 1 / 30 + 1e-9, `${name} differs by more than one example: ${expected} vs ${actual}`);
    else assert.ok(diff <= LOSS_TOLERANCE * Math.max(1, Math.abs(expected)), `${name}: ${expected} (wasm) vs ${actual} (webgpu)`);
  }

  // Prediction from the bundle the webgpu run wrote: the engine's prediction path on wasm, and the same
  // model on webgpu (read asynchronously: webgpu has no synchronous reads in Node).
  const { records } = await readInstances(join(ROOT, 'examples/iris/iris.csv'));
  await selectBackend('wasm');
  const onWasmBundle = await loadBundle(onGpu.bundleDir!);
  const expected = await predictRecords(onWasmBundle, records);
  onWasmBundle.model.dispose();

  await selectBackend('webgpu');
  const onGpuBundle = await loadBundle(onGpu.bundleDir!);
  // The same prediction path as `model-lab predict` and serving, now on the GPU.
  const actual = await predictRecords(onGpuBundle, records);
  onGpuBundle.model.dispose();
  let maxDiff = 0;
  expected.forEach((p, i) => {
    const probs = (p as { probabilities: number[] }).probabilities;
    const gpu = (actual[i] as { probabilities: number[] }).probabilities;
    probs.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - gpu[k]))));
  });
  t.diagnostic(`prediction: ${records.length} records, max |Δ probability| ${maxDiff.toExponential(1)}`);
  assert.ok(maxDiff < 1e-5, `probabilities differ by ${maxDiff}`);
});

test('tf.memory() is stable from epoch to epoch on webgpu, and the GPU memory goes back after the run', async (t) => {
  if (await skipWithoutAdapter(t)) return;
  await selectBackend('webgpu');
  releaseGpuMemory();
  const gpuBytes = () => tf.memory() as tf.MemoryInfo & { numBytesInGPU: number; numBytesAllocatedInGPU: number };
  const baseline = { tensors: tf.memory().numTensors, allocated: gpuBytes().numBytesAllocatedInGPU };
  const n = 512;
  const x = new Float32Array(n * 20).map((_, i) => Math.sin(i));
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (i % 3)] = 1;
  const model = buildLayersModel(
    { layers: [{ type: 'dense', units: 32, activation: 'relu' }, { type: 'dropout', rate: 0.1 }] } as never,
    { inputShape: [20], task: 'classification', outputUnits: 3 },
    1,
  ) as tfl.LayersModel;
  const optimizer = tf.train.adam(1e-3);
  const perEpoch: { tensors: number; used: number; allocated: number }[] = [];
  await runTrainingLoop({
    model,
    train: { x, y, n, xShape: [20], yWidth: 3 },
    eval: { x: x.subarray(0, 64 * 20), y: y.subarray(0, 64 * 3), n: 64, xShape: [20], yWidth: 3 },
    epochs: 4,
    batchSize: 64,
    optimizer,
    loss: resolveLoss('categoricalCrossentropy'),
    metrics: resolveMetrics(['accuracy'], 'classification'),
    seed: 1,
    shuffle: true,
    onEpochEnd: () => {
      const m = gpuBytes();
      perEpoch.push({ tensors: m.numTensors, used: m.numBytesInGPU, allocated: m.numBytesAllocatedInGPU });
    },
  });
  t.diagnostic(`per epoch: ${JSON.stringify(perEpoch)}`);
  // Epoch 1 creates the optimizer's slots; from then on nothing may accumulate.
  for (const e of perEpoch.slice(2)) assert.deepEqual(e, perEpoch[1]);
  model.dispose();
  optimizer.dispose();
  releaseGpuMemory();
  assert.equal(tf.memory().numTensors, baseline.tensors, 'no tensor outlives the model and its optimizer');
  assert.ok(gpuBytes().numBytesAllocatedInGPU <= baseline.allocated + 4096, `GPU memory after the run: ${gpuBytes().numBytesAllocatedInGPU} bytes, before ${baseline.allocated}`);
});

test('a run that runs out of GPU memory fails alone, with a clear message; the next run on the GPU succeeds', async (t) => {
  if (await skipWithoutAdapter(t)) return;
  const overrides = ['training.epochs=3'];
  const ws = workspace();
  // Dawn reports out-of-memory as an uncaptured error event on the device; raise one as Dawn would.
  const injectOutOfMemory = () => {
    const g = globalThis as unknown as Record<string, new (...args: unknown[]) => unknown>;
    const device = (tf.backend() as unknown as { device: { dispatchEvent(e: unknown): void } }).device;
    device.dispatchEvent(new g.GPUUncapturedErrorEvent('uncapturederror', { error: new g.GPUOutOfMemoryError('Allocation failed (injected)') }));
  };
  let runDir = '';
  await assert.rejects(
    trainJob({ specFile: IRIS, workspace: ws, backend: 'webgpu', overrides }, { onRunStarted: (p) => (runDir = p.runDir), onEpoch: (e) => e.epoch === 1 && injectOutOfMemory() }),
    (err: Error) => err instanceof GpuError && /^the GPU ran out of memory \(.+\): Allocation failed \(injected\)\. Lower training\.batchSize/.test(err.message),
  );
  const failed = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  assert.equal(failed.status, 'failed');
  assert.match(failed.error, /the GPU ran out of memory/);

  const next = await trainJob({ specFile: IRIS, workspace: ws, backend: 'webgpu', overrides });
  assert.equal(next.status, 'succeeded');
});

test('parallel trials share the GPU through slots: with one slot, the second concurrent trial trains on wasm', async (t) => {
  if (await skipWithoutAdapter(t)) return;
  const workspace = mkdtempSync(join(tmpdir(), 'ml-gpu-slots-'));
  const tune = await runCli(
    ['tune', IRIS, '--backend', 'webgpu', '--parallel', '2', '--workspace', workspace, '--json',
      '--set', 'training.epochs=3', '--set', 'hyperparameters.maxTrials=2', '--set', 'hyperparameters.algorithm=RANDOM_SEARCH'],
    { env: { MODELLAB_GPU_TRIALS: '1' } },
  );
  assert.equal(tune.code, 0, tune.stderr);
  const runs = readdirSync(join(workspace, '.modellab', 'runs'));
  const backends = runs.map((run) => JSON.parse(readFileSync(join(workspace, '.modellab', 'runs', run, 'run.json'), 'utf8')).backend.name).sort();
  assert.deepEqual(backends, ['wasm', 'webgpu']);
});
