/**
 * `model-lab export --format onnx`: the built CLI writes a file ONNX Runtime loads and that predicts
 * what the bundle's TensorFlow.js model predicts; a layer without a conversion is a one-line failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { saveBundle } from '../../src/runtime/bundle/bundle';
import type { BundleManifest } from '../../src/runtime/bundle/manifest';
import { runCli } from './cliHarness';

const work = mkdtempSync(join(tmpdir(), 'ml-export-onnx-'));
const manifest = { format: 'modellab-bundle', version: 1, task: 'classification', labels: ['a', 'b', 'c'] } as unknown as BundleManifest;
before(() => tf.setBackend('cpu'));
after(() => rmSync(work, { recursive: true, force: true }));

test('export --format onnx writes a model ONNX Runtime runs with the bundle\'s predictions', async () => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.reshape({ targetShape: [4, 4, 1], inputShape: [16] }),
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const dir = join(work, 'bundle');
  await saveBundle(model, manifest, dir);
  const out = join(work, 'out', 'digits.onnx');
  const result = await runCli(['export', '--format', 'onnx', dir, '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /wrote .*digits\.onnx/);
  const x = tf.randomNormal([4, 16], 0, 1, 'float32', 3);
  const expected = (model.predict(x) as tf.Tensor).dataSync();
  const session = await ort.InferenceSession.create(out);
  const got = (await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, [4, 16]) })).output.data as Float32Array;
  await session.release();
  assert.ok(Array.from(got).every((v, i) => Math.abs(v - expected[i]) <= 1e-5));
});

test('export of a layer without an ONNX conversion fails with one line naming the layer', async () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] }), tfl.layers.leakyReLU({ name: 'leaky' })] });
  const dir = join(work, 'leaky');
  await saveBundle(model, manifest, dir);
  const out = join(work, 'leaky.onnx');
  const result = await runCli(['export', '--format', 'onnx', dir, '--out', out]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^model-lab: cannot export .* layer 'leaky' \(LeakyReLU\)/m);
  assert.ok(!existsSync(out));
  const usage = await runCli(['export', '--format', 'tflite', dir, '--out', out]);
  // Commander rejects the choice itself (subcommands made before main.ts's exitOverride() exit 1, not 2).
  assert.notEqual(usage.code, 0);
  assert.match(usage.stderr, /tflite/);
});
