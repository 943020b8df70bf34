/**
 * Helpers for proving a converted model equivalent: random weights (valid BN statistics), the same
 * random inputs through TensorFlow.js (cpu backend) and ONNX Runtime, and the largest difference.
 * Files written for the independent checker (python3-onnx) are collected here and checked in one go.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { convertLayersModelToOnnx } from '../../../src/runtime/onnx/convertLayersModel';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

/** Replaces every weight with seeded random values, so biases and BN statistics are not trivial. */
export function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  model.setWeights(
    model.weights.map((w, i) => {
      const shape = w.shape as number[];
      if (/moving_variance$/.test(w.originalName)) return tf.randomUniform(shape, 0.3, 2, 'float32', seed + i);
      if (/embeddings$/.test(w.originalName)) return tf.randomNormal(shape, 0, 1, 'float32', seed + i);
      return tf.randomNormal(shape, 0, 0.5, 'float32', seed + i);
    }),
  );
}

const checkerDir = mkdtempSync(join(tmpdir(), 'ml-onnx-check-'));
const written: string[] = [];

export interface Comparison {
  maxDiff: number;
  bytes: Uint8Array;
}

/**
 * Runs `x` (or a random batch of the model's input shape) through both, returns the max abs difference.
 * `integers` makes inputs in [0, integers) for embedding lookups.
 */
export async function compareWithTfjs(
  model: tfl.LayersModel,
  options: { batch?: number; seed?: number; integers?: number; scale?: number; inputShape?: number[] } = {},
): Promise<Comparison> {
  const batch = options.batch ?? 7;
  // inputShape: the sizes to use where the model leaves dimensions open (variable-length sequences).
  const shape = [batch, ...(options.inputShape ?? (model.inputs[0].shape.slice(1) as number[]))];
  const x = options.integers
    ? tf.floor(tf.randomUniform(shape, 0, options.integers, 'float32', options.seed ?? 1))
    : tf.randomNormal(shape, 0, options.scale ?? 2, 'float32', options.seed ?? 1);
  const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  const bytes = convertLayersModelToOnnx(model);
  const file = join(checkerDir, `${written.length}-${model.name}.onnx`);
  writeFileSync(file, bytes);
  written.push(file);
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, shape) });
  const got = result.output.data as Float32Array;
  await session.release();
  if (got.length !== expected.length) throw new Error(`ONNX Runtime gave ${got.length} values, tfjs ${expected.length}`);
  let maxDiff = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
  }
  return { maxDiff, bytes };
}

/**
 * Every file compared so far through Debian's python3-onnx `onnx.checker.check_model(full_check=True)`.
 * Returns undefined when python3-onnx is not installed (the check is skipped), else the failures.
 */
export function checkWrittenWithPythonOnnx(): { checked: number; failures: string[] } | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const script = [
    'import sys, onnx',
    'for f in sys.argv[1:]:',
    '    try:',
    '        onnx.checker.check_model(onnx.load(f), full_check=True)',
    '    except Exception as e:',
    '        print(f + ": " + str(e).splitlines()[0])',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...written], { encoding: 'utf8' });
  const failures = run.stdout.split('\n').filter(Boolean);
  if (run.status !== 0) failures.push(`checker exited ${run.status}: ${run.stderr}`);
  return { checked: written.length, failures };
}
