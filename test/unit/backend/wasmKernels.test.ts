import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/runtime/backend/selectBackend';

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await selectBackend(name);
  return f();
}

test('wasm matmul with transposed operands matches the cpu backend', async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[33, 17], [33, 9], true, false],
    [[17, 33], [9, 33], false, true],
    [[33, 17], [9, 33], true, true],
    [[3, 7, 5], [3, 7, 4], true, false],
    [[3, 5, 7], [3, 4, 7], false, true],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    const expected = await onBackend('cpu', () => tf.matMul(randomTensor(aShape, 1), randomTensor(bShape, 2), ta, tb).arraySync());
    const actual = await onBackend('wasm', () => tf.matMul(randomTensor(aShape, 1), randomTensor(bShape, 2), ta, tb).arraySync());
    assert.deepEqual(tf.tensor(actual as number[]).shape, tf.tensor(expected as number[]).shape);
    const diff = await onBackend('cpu', () => tf.max(tf.abs(tf.sub(tf.tensor(actual as number[]), tf.tensor(expected as number[])))).dataSync()[0]);
    assert.ok(diff < 1e-5, `matMul(${aShape}, ${bShape}, ${ta}, ${tb}) differs by ${diff}`);
  }
});

test('fused matmul gradients on wasm match the cpu backend', async () => {
  const grads = async (name: 'cpu' | 'wasm') =>
    onBackend(name, () => {
      const x = randomTensor([16, 12], 3);
      const w = randomTensor([12, 8], 4);
      const bias = randomTensor([8], 5);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.fused.matMul({ a, b, bias, activation: 'relu' })));
      return g([x, w]).map((t) => Array.from(t.dataSync()));
    });
  const expected = await grads('cpu');
  const actual = await grads('wasm');
  for (let i = 0; i < expected.length; i++) {
    const maxDiff = Math.max(...expected[i].map((v, j) => Math.abs(v - actual[i][j])));
    assert.ok(maxDiff < 1e-4, `gradient ${i} differs by ${maxDiff}`);
  }
});

test('selecting wasm leaves no wasm crash handlers on the process', async () => {
  const before = process.listeners('uncaughtException').length;
  await selectBackend('wasm');
  assert.equal(process.listeners('uncaughtException').length, before);
});

test('a named backend that is missing fails with the reason, auto falls back', async () => {
  await assert.rejects(selectBackend('tensorflow'), /tfjs-node is not installed/);
  const info = await selectBackend('auto');
  assert.equal(info.name, 'wasm');
  assert.match(info.notChosen.tensorflow ?? '', /not installed/);
  assert.match(info.notChosen['tensorflow-gpu'] ?? '', /not installed/);
});

async function gradientsOn(name: 'cpu' | 'wasm', f: (xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]): Promise<number[][]> {
  return onBackend(name, () => tf.grads((...xs: tf.Tensor[]) => f(xs) as tf.Scalar)(inputs()).map((t) => Array.from(t.dataSync())));
}

function assertClose(a: number[][], b: number[][], tol: number, what: string) {
  for (let i = 0; i < a.length; i++) {
    const d = Math.max(...a[i].map((v, j) => Math.abs(v - b[i][j])));
    assert.ok(d < tol, `${what}: gradient ${i} differs by ${d}`);
  }
}

test('conv2d weight gradients (missing from the wasm build) match the cpu backend', async () => {
  const f = ([x, w]: tf.Tensor[]) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')));
  const inputs = () => [randomTensor([2, 6, 6, 3], 6), randomTensor([3, 3, 3, 4], 7)];
  assertClose(await gradientsOn('wasm', f, inputs), await gradientsOn('cpu', f, inputs), 1e-3, 'conv2d');
});

test('gather gradients (UnsortedSegmentSum, for embeddings) match the cpu backend', async () => {
  const f = ([table]: tf.Tensor[]) => tf.sum(tf.square(tf.gather(table, tf.tensor1d([0, 3, 3, 1], 'int32'))));
  const inputs = () => [randomTensor([5, 4], 8)];
  assertClose(await gradientsOn('wasm', f, inputs), await gradientsOn('cpu', f, inputs), 1e-5, 'gather');
});
