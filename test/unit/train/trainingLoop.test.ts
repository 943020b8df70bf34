import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/runtime/backend/selectBackend';
import { buildLayersModel } from '../../../src/runtime/model/buildLayersModel';
import { resolveLoss, resolveMetrics } from '../../../src/runtime/train/lossesAndMetrics';
import { createOptimizer } from '../../../src/runtime/train/optimizers';
import { runTrainingLoop, type TrainLoopOptions } from '../../../src/runtime/train/trainingLoop';
import type { Examples } from '../../../src/runtime/train/examples';

/** Two Gaussian blobs in 4-D: class 0 around -1, class 1 around +1. */
function blobs(n: number, seed: number): Examples {
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (c ? 1 : -1) + 0.7 * gauss();
    y[i * 2 + c] = 1;
  }
  return { x, y, n, xShape: [4], yWidth: 2 };
}

function options(overrides: Partial<TrainLoopOptions> = {}): TrainLoopOptions {
  const model = buildLayersModel(
    { layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dropout', rate: 0.1 }] },
    { inputShape: [4], task: 'classification', outputUnits: 2 },
    7,
  );
  return {
    model,
    train: blobs(200, 1),
    eval: blobs(60, 2),
    epochs: 5,
    batchSize: 16,
    optimizer: createOptimizer({ type: 'adam', learningRate: 0.05 }),
    loss: resolveLoss('categoricalCrossentropy'),
    metrics: resolveMetrics(['accuracy'], 'classification'),
    seed: 3,
    shuffle: true,
    ...overrides,
  };
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: learns a separable problem and reports Keras-named metrics`, async () => {
    await selectBackend(backend);
    const o = options({ epochs: 8 });
    const result = await runTrainingLoop(o);
    assert.equal(result.epochsRun, 8);
    const last = result.history[7];
    assert.deepEqual(Object.keys(last).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    assert.ok(last.val_accuracy >= 0.9, `val_accuracy ${last.val_accuracy}`);
    assert.ok(last.loss < result.history[0].loss, 'loss decreases');
    o.model.dispose();
  });

  test(`${backend}: tf.memory() does not grow from epoch to epoch`, async () => {
    await selectBackend(backend);
    const counts: number[] = [];
    const o = options({ epochs: 6, onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    await runTrainingLoop(o);
    assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts per epoch: ${counts.join(', ')}`);
    o.model.dispose();
  });
}

test('the same seed gives the same curves; another seed gives others', async () => {
  await selectBackend('cpu');
  const run = async (seed: number) => {
    const o = options({ seed });
    const r = await runTrainingLoop(o);
    o.model.dispose();
    return r.history.map((h) => h.loss);
  };
  assert.deepEqual(await run(3), await run(3));
  assert.notDeepEqual(await run(3), await run(4));
});

test('early stopping stops after patience and restores the best epoch', async () => {
  await selectBackend('cpu');
  // A learning rate of 0 never improves after epoch 1: stop after 1 + patience epochs.
  const o = options({ epochs: 20, optimizer: createOptimizer({ type: 'sgd', learningRate: 0 }), earlyStopping: { monitor: 'val_loss', patience: 2 } });
  const result = await runTrainingLoop(o);
  assert.equal(result.stoppedEarly, true);
  assert.equal(result.epochsRun, 3);
  assert.equal(result.bestEpoch, 1);
  o.model.dispose();
});

test('a cancelled signal stops between batches and says so', async () => {
  await selectBackend('cpu');
  const abort = new AbortController();
  const o = options({ epochs: 50, signal: abort.signal, onEpochEnd: (epoch) => void (epoch === 2 && abort.abort()) });
  const result = await runTrainingLoop(o);
  assert.equal(result.cancelled, true);
  assert.equal(result.epochsRun, 2);
  o.model.dispose();
});

test('a diverging run fails with a message that says what to do', async () => {
  await selectBackend('cpu');
  const o = options({ optimizer: createOptimizer({ type: 'sgd', learningRate: 1e30 }), loss: resolveLoss('meanSquaredError') });
  await assert.rejects(runTrainingLoop(o), /loss became (NaN|Infinity).*learning rate/);
  o.model.dispose();
});
