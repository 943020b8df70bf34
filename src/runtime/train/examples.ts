/**
 * A transformed dataset held as flat typed arrays, and the batches cut from it. Batches are built
 * from typed arrays (never by slicing a large tensor, which costs more than the math on wasm).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface Examples {
  x: Float32Array;
  y: Float32Array;
  n: number;
  /** Shape of one example as the model sees it (e.g. [4] or [8, 8, 1]). */
  xShape: number[];
  yWidth: number;
}

export function exampleWidth(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Fisher–Yates with a seeded generator, so the batch order is the same on every run with the same seed. */
export function shuffledOrder(n: number, random: () => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Rows of `source` in `order`, as one new array: batches are then views into it. A new array per
 * epoch, because the cpu backend keeps a reference to the data a tensor was made from.
 */
export function permuteRows(source: Float32Array, width: number, order: Uint32Array): Float32Array {
  const out = new Float32Array(order.length * width);
  for (let i = 0; i < order.length; i++) {
    const from = order[i] * width;
    out.set(source.subarray(from, from + width), i * width);
  }
  return out;
}

export function batchTensor(data: Float32Array, start: number, count: number, shape: number[]): tf.Tensor {
  const width = exampleWidth(shape);
  return tf.tensor(data.subarray(start * width, (start + count) * width), [count, ...shape], 'float32');
}
