/**
 * The minimal prediction path: raw records through the bundle's saved transform (the same code
 * training used, so there is no training/serving skew), then the model, then labels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedBundle } from '../bundle/bundle';
import type { RawRecord } from '../data/records';
import { applyTransform, decodeOutputs, validateInstances } from '../transform/apply';

export type Prediction = ReturnType<typeof decodeOutputs>[number];

/**
 * Runs the model on already-transformed inputs, in batches, and returns the raw outputs. Reads are
 * asynchronous: the webgpu backend cannot read GPU memory synchronously in Node.
 */
export async function runModel(bundle: LoadedBundle, x: Float32Array, n: number, batchSize = 512): Promise<Float32Array> {
  const inputShape = bundle.manifest.signature.inputs[0].shape.slice(1);
  const width = inputShape.reduce((a, b) => a * b, 1);
  const units = bundle.manifest.signature.outputs[0].shape[1];
  const out = new Float32Array(n * units);
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const output = tf.tidy(() => {
      const input = tf.tensor(x.subarray(start * width, (start + count) * width), [count, ...inputShape], 'float32');
      return bundle.model.apply(input, { training: false }) as tf.Tensor;
    });
    try {
      out.set((await output.data()) as Float32Array, start * units);
    } finally {
      output.dispose();
    }
  }
  return out;
}

export async function predictRecords(bundle: LoadedBundle, records: RawRecord[]): Promise<Prediction[]> {
  const { transform } = bundle.manifest;
  // A misspelt or missing field is an error naming the instance and the field, not a silent fill.
  validateInstances(transform, records);
  const x = applyTransform(transform, records);
  const outputs = await runModel(bundle, x, records.length);
  return decodeOutputs(transform, outputs, records.length);
}
