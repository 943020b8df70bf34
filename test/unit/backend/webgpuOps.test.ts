/**
 * Operator-level equivalence of the webgpu backend against the cpu backend, on seeded random inputs:
 * the operations training uses, forward and gradients. On a machine without a GPU this runs on Mesa's
 * software Vulkan (lavapipe), which executes the same WGSL shaders a GPU would.
 *
 * Tolerance: both backends compute in float32 but sum in different orders (the GPU kernels tile the
 * reductions and fuse bias/activation), so results differ by rounding: |Δ| / max(1, |expected|) below
 * 1e-4 for everything here (measured: ≤ 2e-6 … 1e-5; each test prints its figure as a diagnostic).
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolveLoss } from '../../../src/runtime/train/lossesAndMetrics';
import { difference, randomTensor, runOn, skipWithoutAdapter } from './webgpuHelpers';

const TOLERANCE = 1e-4;

type Case = { name: string; f: () => tf.Tensor[] };

async function compare(t: TestContext, cases: Case[]): Promise<void> {
  if (await skipWithoutAdapter(t)) return;
  for (const c of cases) {
    const expected = await runOn('cpu', c.f);
    const actual = await runOn('webgpu', c.f);
    assert.equal(tf.getBackend(), 'webgpu');
    expected.forEach((e, i) => {
      const d = difference(actual[i], e);
      t.diagnostic(`${c.name}[${i}]: max |Δ| ${d.maxAbs.toExponential(1)}, scaled ${d.maxScaled.toExponential(1)}`);
      assert.ok(d.maxScaled < TOLERANCE, `${c.name}, output ${i}: differs by ${d.maxScaled} (scaled), ${d.maxAbs} (absolute)`);
    });
  }
}

test('matMul, with every transpose combination and batched, matches the cpu backend', async (t) => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[128, 784], [784, 256], false, false],
    [[784, 128], [784, 256], true, false],
    [[128, 784], [256, 784], false, true],
    [[33, 17], [9, 33], true, true],
    [[3, 17, 33], [3, 33, 5], false, false],
  ];
  await compare(
    t,
    cases.map(([a, b, ta, tb], i) => ({
      name: `matMul(${a}, ${b}, ${ta}, ${tb})`,
      f: () => [tf.matMul(randomTensor(a, 10 + i), randomTensor(b, 20 + i), ta, tb)],
    })),
  );
});

test('a dense layer (fused matMul + bias + relu) and its gradients match the cpu backend', async (t) => {
  await compare(t, [
    {
      name: 'fused dense grads',
      f: () => {
        const x = randomTensor([64, 96], 1);
        const bias = randomTensor([32], 3);
        const g = tf.grads((w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' }))));
        return [tf.fused.matMul({ a: x, b: randomTensor([96, 32], 2), bias, activation: 'relu' }), ...g([randomTensor([96, 32], 2), bias])];
      },
    },
  ]);
});

test('conv2d forward and its gradients (input and filter) match the cpu backend', async (t) => {
  const conv = (stride: 1 | 2, pad: 'same' | 'valid') => ({
    name: `conv2d stride ${stride} ${pad}`,
    f: () => {
      const x = randomTensor([4, 28, 28, 3], 4);
      const w = randomTensor([3, 3, 3, 8], 5, 0.5);
      const g = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, stride, pad))));
      return [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad), ...g([x, w])];
    },
  });
  await compare(t, [conv(1, 'same'), conv(2, 'valid')]);
});

test('max and average pooling, forward and gradient, match the cpu backend', async (t) => {
  const x = () => randomTensor([4, 28, 28, 8], 6) as tf.Tensor4D;
  // Squares weight the gradient by the output, so a wrongly routed max-pool gradient cannot cancel out.
  await compare(t, [
    { name: 'maxPool', f: () => [tf.maxPool(x(), 2, 2, 'valid'), tf.grad((xi: tf.Tensor) => tf.sum(tf.square(tf.maxPool(xi as tf.Tensor4D, 2, 2, 'valid'))))(x())] },
    { name: 'avgPool', f: () => [tf.avgPool(x(), 3, 2, 'same'), tf.grad((xi: tf.Tensor) => tf.sum(tf.square(tf.avgPool(xi as tf.Tensor4D, 3, 2, 'same'))))(x())] },
  ]);
});

test('batch normalisation (moments, normalise, gradients for input, scale and offset) matches the cpu backend', async (t) => {
  await compare(t, [
    {
      name: 'batchNorm',
      f: () => {
        const x = randomTensor([64, 12, 12, 16], 7, 2);
        const scale = randomTensor([16], 8);
        const offset = randomTensor([16], 9);
        const norm = (xi: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
          const { mean, variance } = tf.moments(xi, [0, 1, 2]);
          return tf.batchNorm(xi, mean, variance, o, s, 1e-3);
        };
        const g = tf.grads((xi: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => tf.sum(tf.square(norm(xi, s, o))));
        return [norm(x, scale, offset), ...g([x, scale, offset])];
      },
    },
  ]);
});

test('softmax cross-entropy and its gradient with respect to the logits match the cpu backend', async (t) => {
  await compare(t, [
    {
      name: 'softmaxCrossEntropy',
      f: () => {
        const logits = randomTensor([256, 10], 11, 4);
        const labels = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: 256 }, (_, i) => (i * 7) % 10), 'int32'), 10), 'float32');
        const g = tf.grad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, l));
        return [tf.losses.softmaxCrossEntropy(labels, logits), g(logits)];
      },
    },
    {
      name: "categoricalCrossentropy(softmax) (the engine's loss)",
      f: () => {
        const logits = randomTensor([256, 10], 12, 4);
        const labels = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: 256 }, (_, i) => (i * 3) % 10), 'int32'), 10), 'float32');
        const loss = (l: tf.Tensor) => tf.mean(resolveLoss('categoricalCrossentropy')(labels, tf.softmax(l)));
        return [loss(logits), tf.grad(loss)(logits)];
      },
    },
  ]);
});
