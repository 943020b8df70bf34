/**
 * The ONNX engines through loadModelFolder: ONNX files made by real tools (torch.onnx.export; a
 * scikit-learn classifier in skl2onnx's graph shape, with ZipMap) answer what those tools computed,
 * and a Model Lab bundle is served by ONNX Runtime with the same predictions as TensorFlow.js —
 * or by TensorFlow.js, saying why, when a layer does not convert.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveBundle } from '../../../src/runtime/bundle/bundle';
import type { BundleManifest } from '../../../src/runtime/bundle/manifest';
import type { ColumnInfo, RawRecord } from '../../../src/runtime/data/records';
import { buildLayersModel } from '../../../src/runtime/model/buildLayersModel';
import { bundleOnnx } from '../../../src/runtime/onnx/bundleOnnx';
import { onnxFallbackReason } from '../../../src/runtime/serving/engines/onnxBundleEngine';
import { tfjsBundleLoader } from '../../../src/runtime/serving/engines/tfjsBundleEngine';
import { loadModelFolder } from '../../../src/runtime/serving/loadModelFolder';
import type { ModelEngine, PredictOutcome } from '../../../src/runtime/serving/modelEngine';
import { analyzeTransform } from '../../../src/runtime/transform/analyze';
import { randomizeWeights, useCpu } from './onnxTestUtils';
import { maxAbsDiff, onnxFixtureFolder } from '../../fixtures/onnx/onnxFixtures';

const work = mkdtempSync(join(tmpdir(), 'ml-onnx-engines-'));
// Conversions are cached here, not in the user's cache (nor ever in the bundle).
process.env.MODELLAB_CACHE_DIR = join(work, 'cache');
before(useCpu);
after(() => rmSync(work, { recursive: true, force: true }));

function predictions(outcomes: PredictOutcome[]): unknown[] {
  return outcomes.map((o, i) => {
    if ('error' in o) assert.fail(`instance ${i}: ${o.error}`);
    return o.prediction;
  });
}

async function withEngine<T>(dir: string, body: (engine: ModelEngine) => Promise<T>): Promise<T> {
  const engine = await loadModelFolder(dir);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

test('PyTorch models exported by torch.onnx.export answer what torch computed', async () => {
  for (const [name, output] of [
    ['torch_mlp', 'y'],
    ['torch_conv', 'logits'],
  ] as const) {
    const { dir, fixture } = onnxFixtureFolder(work, name);
    await withEngine(dir, async (engine) => {
      assert.equal(engine.framework, 'onnx');
      assert.equal(engine.runtime, 'onnxruntime');
      assert.equal(engine.signature.inputs[0].shape[0], -1);
      const got = predictions(await engine.predict(fixture.instances));
      assert.ok(maxAbsDiff(got, fixture.expected[output]) <= 1e-5, name);
      // {input name: value} is the same instance; a bad one fails alone, with its index.
      const inputName = engine.signature.inputs[0].name;
      const mixed = await engine.predict([{ [inputName]: fixture.instances[0] }, [1, 2], { wrong: 1 }, fixture.instances[1]]);
      assert.ok(maxAbsDiff((mixed[0] as { prediction: unknown }).prediction, fixture.expected[output][0]) <= 1e-5);
      assert.match((mixed[1] as { error: string }).error, /^instance 1: input '\w+' has shape \[2\], expected shape/);
      assert.match((mixed[2] as { error: string }).error, /^instance 2: expected a list or \{"\w+": …\}/);
      assert.ok('prediction' in mixed[3]);
    });
  }
});

test('a scikit-learn classifier with a ZipMap output answers {label, classes, probabilities} like predict / predict_proba', async () => {
  const { dir, fixture } = onnxFixtureFolder(work, 'sklearn_logreg_zipmap');
  await withEngine(dir, async (engine) => {
    assert.deepEqual(
      engine.signature.outputs.map((o) => `${o.name}:${o.dtype}`),
      ['output_label:string', 'output_probability:float32'],
    );
    const got = predictions(await engine.predict(fixture.instances)) as { label: string; classes: string[]; probabilities: number[] }[];
    assert.deepEqual(
      got.map((p) => p.label),
      fixture.expected.output_label,
    );
    for (const p of got) assert.deepEqual(p.classes, fixture.expected.classes);
    assert.ok(maxAbsDiff(got.map((p) => p.probabilities), fixture.expected.output_probability) <= 1e-5);
    const [bad] = await engine.predict([[1, 2, 'x', 4]]);
    assert.match((bad as { error: string }).error, /"x" where the model expects float32/);
  });
});

test('an XGBoost classifier in onnxmltools\' graph shape (TreeEnsembleClassifier + ZipMap) answers what XGBoost predicts', async () => {
  const { dir, fixture } = onnxFixtureFolder(work, 'xgboost_zipmap');
  await withEngine(dir, async (engine) => {
    const got = predictions(await engine.predict(fixture.instances)) as { label: number; classes: number[]; probabilities: number[] }[];
    assert.deepEqual(
      got.map((p) => p.label),
      fixture.expected.label,
    );
    for (const p of got) assert.deepEqual(p.classes, fixture.expected.classes);
    assert.ok(maxAbsDiff(got.map((p) => p.probabilities), fixture.expected.probabilities) <= 1e-5);
  });
});

test('a classifier without ZipMap (zipmap=False) still names its classes, from its classifier node', async () => {
  const { dir, fixture } = onnxFixtureFolder(work, 'sklearn_logreg_nozipmap');
  await withEngine(dir, async (engine) => {
    const got = predictions(await engine.predict(fixture.instances)) as { label: number; classes: number[]; probabilities: number[] }[];
    assert.deepEqual(
      got.map((p) => p.label),
      fixture.expected.output_label,
    );
    for (const p of got) assert.deepEqual(p.classes, fixture.expected.classes);
    assert.ok(maxAbsDiff(got.map((p) => p.probabilities), fixture.expected.output_probability) <= 1e-5);
  });
});

test('a model exported with a fixed batch of one is run one instance at a time', async () => {
  const { dir, fixture } = onnxFixtureFolder(work, 'torch_fixed_batch');
  await withEngine(dir, async (engine) => {
    assert.equal(engine.signature.inputs[0].shape[0], 1);
    const got = predictions(await engine.predict(fixture.instances));
    assert.ok(maxAbsDiff(got, fixture.expected.y) <= 1e-5);
  });
});

// A small classification bundle as training writes it: records → fitted transform → layers model.
const columns: ColumnInfo[] = [
  ...['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'number' as const, missing: 0, distinct: 60 })),
  { name: 'colour', type: 'string', missing: 0, distinct: 3 },
  { name: 'kind', type: 'string', missing: 0, distinct: 3 },
];
const records: RawRecord[] = Array.from({ length: 60 }, (_, i) => ({
  a: Math.sin(i),
  b: Math.cos(i * 0.7) * 3,
  c: i / 10,
  d: (i * 37) % 11,
  colour: ['red', 'green', 'blue'][i % 3],
  kind: ['x', 'y', 'z'][(i * 7) % 3],
}));

async function writeBundle(dir: string, model: tfl.LayersModel, transform: ReturnType<typeof analyzeTransform>): Promise<void> {
  const manifest = {
    format: 'modellab-bundle',
    version: 1,
    framework: 'tfjs-layers',
    task: 'classification',
    signature: {
      rawInputs: columns.filter((c) => c.name !== 'kind').map((c) => ({ name: c.name, type: c.type })),
      inputs: [{ name: 'x', dtype: 'float32', shape: [-1, transform.inputWidth] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [-1, 3] }],
    },
    transform,
    labels: ['x', 'y', 'z'],
  } as unknown as BundleManifest;
  await saveBundle(model, manifest, dir);
}

test('a Model Lab bundle is served by ONNX Runtime with the predictions TensorFlow.js makes, and the converted graph is cached outside the bundle', async () => {
  const transform = analyzeTransform(records, columns, undefined, 'kind', 'classification');
  const model = buildLayersModel(
    { layers: [{ type: 'dense', units: 12, activation: 'selu' }, { type: 'batchNormalization' }, { type: 'dropout', rate: 0.3 }] },
    { inputShape: [transform.inputWidth], task: 'classification', outputUnits: 3 },
    3,
  );
  randomizeWeights(model, 5);
  const dir = join(work, 'bundle');
  await writeBundle(dir, model, transform);
  const instances: unknown[] = records.slice(0, 20).map(({ kind: _kind, ...rest }) => rest);
  instances.splice(3, 0, { a: 1 });

  const reference = await tfjsBundleLoader.load(dir);
  const expected = await reference.predict(instances);
  await reference.close();

  await withEngine(dir, async (engine) => {
    assert.equal(engine.runtime, 'onnxruntime');
    assert.equal(engine.framework, 'modellab-bundle');
    assert.equal(onnxFallbackReason(engine), undefined);
    const got = await engine.predict(instances);
    assert.ok(!existsSync(join(dir, 'model.onnx')), 'the model folder is never written to');
    assert.equal(readdirSync(join(work, 'cache', 'onnx')).filter((f) => f.endsWith('.onnx')).length, 1, 'one cached conversion');
    assert.equal(got.length, expected.length);
    got.forEach((o, i) => {
      const want = expected[i];
      if ('error' in want) return assert.deepEqual(o, want);
      const p = (o as { prediction: { label: string; probabilities: number[] } }).prediction;
      const q = want.prediction as { label: string; probabilities: number[] };
      assert.equal(p.label, q.label);
      assert.ok(maxAbsDiff(p.probabilities, q.probabilities) <= 1e-5);
    });
    assert.match((got[3] as { error: string }).error, /^instance 3\b/);
  });
  assert.equal((await bundleOnnx(dir, ['x', 'y', 'z'])).fromCache, true);
  // New weights in the same folder: the cache is stale and is not used.
  randomizeWeights(model, 6);
  await writeBundle(dir, model, transform);
  assert.equal((await bundleOnnx(dir, ['x', 'y', 'z'])).fromCache, false);
  assert.equal((await bundleOnnx(dir, ['x', 'y', 'z'])).fromCache, true);
});

test('a bundle whose layers do not convert is served by TensorFlow.js, which says why', async () => {
  const transform = analyzeTransform(records, columns, undefined, 'kind', 'classification');
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 4, inputShape: [transform.inputWidth] }), tfl.layers.leakyReLU({ name: 'leaky' }), tfl.layers.dense({ units: 3, activation: 'softmax' })],
  });
  const dir = join(work, 'fallback');
  await writeBundle(dir, model, transform);
  await withEngine(dir, async (engine) => {
    assert.match(engine.runtime, /^tfjs-/);
    assert.match(onnxFallbackReason(engine) ?? '', /layer 'leaky' \(LeakyReLU\)/);
    const [one] = await engine.predict([records[0]]);
    assert.ok('prediction' in one);
  });
});
