import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/runtime/backend/selectBackend';
import { loadBundle, readManifest, saveBundle } from '../../../src/runtime/bundle/bundle';
import type { BundleManifest } from '../../../src/runtime/bundle/manifest';
import { buildLayersModel } from '../../../src/runtime/model/buildLayersModel';

const manifest = { format: 'modellab-bundle', version: 1, task: 'classification' } as unknown as BundleManifest;

test('a saved bundle loads back with identical outputs, and replaces an older one atomically', async () => {
  await selectBackend('cpu');
  const model = buildLayersModel(
    { layers: [{ type: 'reshape', targetShape: [4, 4, 1] }, { type: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu' }, { type: 'batchNormalization' }, { type: 'flatten' }] },
    { inputShape: [16], task: 'classification', outputUnits: 3 },
    5,
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'ml-bundle-')), 'model');
  await saveBundle(model, manifest, dir);
  await saveBundle(model, manifest, dir);
  assert.deepEqual(readdirSync(dir).sort(), ['group1-shard1of1.bin', 'model.json', 'modellab.json']);
  assert.deepEqual(readdirSync(join(dir, '..')), ['model'], 'no staging folders left behind');
  const loaded = await loadBundle(dir);
  const x = tf.randomUniform([5, 16], 0, 1, 'float32', 9);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.model.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
});

test('a folder without modellab.json, or with a newer version, is refused with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bundle-'));
  await assert.rejects(readManifest(dir), /not a Model Lab model folder: it has no modellab.json/);
  writeFileSync(join(dir, 'modellab.json'), JSON.stringify({ format: 'modellab-bundle', version: 7 }));
  await assert.rejects(readManifest(dir), /version 7 is newer/);
  assert.ok(!existsSync(join(dir, 'model.json')));
});
