// Keras 2 .h5 files laid out as Keras 2 writes them (test/fixtures/keras/make_fixtures.py, h5py) are read
// with h5wasm, rebuilt as TensorFlow.js layers models, and must predict what numpy computed: within 1e-5.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type KerasEngine, kerasLoader } from '../../../src/runtime/serving/engines/kerasEngine';
import { readKerasH5, KerasH5Error } from '../../../src/runtime/keras/kerasH5';
import { normalizeKerasConfig } from '../../../src/runtime/keras/kerasModel';
import type { PredictOutcome } from '../../../src/runtime/serving/modelEngine';
import { detectFramework } from '../../../src/runtime/serving/loadModelFolder';

const FIXTURES = join(__dirname, '../../fixtures/keras');
const TOLERANCE = 1e-5;
const cases: Record<string, { inputs: unknown[]; expected: number[][] }> = JSON.parse(
  readFileSync(join(FIXTURES, 'cases.json'), 'utf8'),
).cases;
const tmp = mkdtempSync(join(tmpdir(), 'modellab-keras-'));
const engines: KerasEngine[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.close()));
  rmSync(tmp, { recursive: true, force: true });
});

function folder(file: string, as = 'model.h5'): string {
  const dir = mkdtempSync(join(tmp, 'm-'));
  copyFileSync(join(FIXTURES, file), join(dir, as));
  return dir;
}

function maxDiff(outcomes: PredictOutcome[], expected: number[][]): number {
  let worst = 0;
  outcomes.forEach((o, i) => {
    assert.ok('prediction' in o, `instance ${i}: ${'error' in o ? o.error : ''}`);
    const p = o.prediction as number[];
    assert.equal(p.length, expected[i].length);
    p.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - expected[i][k]))));
  });
  return worst;
}

describe('Keras .h5 engine', () => {
  it('reads the Keras 2 layout: attributes, layer_names, weight_names, datasets', async () => {
    const h5 = await readKerasH5(join(FIXTURES, 'mlp.h5'));
    assert.equal(h5.kerasVersion, '2.11.0');
    assert.equal(h5.backend, 'tensorflow');
    assert.equal(h5.modelConfig.class_name, 'Sequential');
    assert.ok(h5.trainingConfig?.optimizer_config);
    assert.deepEqual(h5.layers.map((l) => l.layerName), ['dense', 'dropout', 'dense_1']);
    assert.deepEqual(h5.layers[1].weights, []);
    assert.deepEqual(h5.layers[0].weights.map((w) => [w.name, w.shape]), [['dense/kernel:0', [4, 8]], ['dense/bias:0', [8]]]);
  });

  for (const name of Object.keys(cases)) {
    it(`${name}.h5 predicts what numpy computed`, async () => {
      const dir = folder(`${name}.h5`);
      assert.ok(await kerasLoader.detect(dir));
      const engine = (await kerasLoader.load(dir)) as KerasEngine;
      engines.push(engine);
      assert.equal(engine.framework, 'keras-h5');
      assert.match(engine.runtime, /^tfjs-/);
      const c = cases[name];
      const worst = maxDiff(await engine.predict(c.inputs), c.expected);
      assert.ok(worst <= TOLERANCE, `max |diff| ${worst}`);
    });
  }

  it('signature, named inputs, and a bad instance failing alone', async () => {
    const engine = (await kerasLoader.load(folder('mlp.h5'))) as KerasEngine;
    engines.push(engine);
    assert.deepEqual(engine.signature.inputs, [{ name: 'dense_input', dtype: 'float32', shape: [-1, 4] }]);
    assert.deepEqual(engine.signature.outputs, [{ name: 'dense_1', dtype: 'float32', shape: [-1, 3] }]);
    const c = cases.mlp;
    const outcomes = await engine.predict([{ dense_input: c.inputs[0] }, [1, 2, 3], c.inputs[1], { x: [1, 2, 3, 4] }, [1, 2, 'a', 4]]);
    assert.ok(maxDiff([outcomes[0], outcomes[2]], [c.expected[0], c.expected[1]]) <= TOLERANCE);
    assert.match((outcomes[1] as { error: string }).error, /^instance 1: input dense_input must have shape \[4\], got \[3\]/);
    assert.match((outcomes[3] as { error: string }).error, /^instance 3: unknown input "x"/);
    assert.match((outcomes[4] as { error: string }).error, /^instance 4: input dense_input must hold numbers/);
  });

  it('a file without model_config (weights only) is refused with advice', async () => {
    await assert.rejects(readKerasH5(join(FIXTURES, 'no_model_config.h5')), (err: Error) => {
      assert.ok(err instanceof KerasH5Error);
      assert.match(err.message, /no_model_config\.h5: it has no model_config attribute.*weights only.*model\.save\('model\.h5'\)/s);
      return true;
    });
    await assert.rejects(kerasLoader.load(folder('no_model_config.h5')), /no model_config/);
  });

  it('recognises Keras folders by content', async () => {
    assert.equal((await detectFramework(folder('mlp.h5')))?.framework, 'keras-h5', 'the model-folder registry picks it');
    assert.ok(await kerasLoader.detect(folder('cnn.h5', 'my_model.h5')), 'the only .h5 of a folder');
    const notHdf5 = mkdtempSync(join(tmp, 'x-'));
    writeFileSync(join(notHdf5, 'model.h5'), 'not hdf5');
    assert.equal(await kerasLoader.detect(notHdf5), false);
    assert.equal(await kerasLoader.detect(mkdtempSync(join(tmp, 'e-'))), false);
    const keras3 = mkdtempSync(join(tmp, 'k-'));
    writeFileSync(join(keras3, 'model.keras'), 'PK');
    await assert.rejects(kerasLoader.load(keras3), /Keras 3 \.keras archive/);
  });

  it('normalizes configs of newer Keras versions for tfjs-layers', () => {
    assert.deepEqual(
      normalizeKerasConfig({
        class_name: 'BatchNormalizationV1',
        module: 'keras.layers',
        registered_name: null,
        build_config: { input_shape: [null, 3] },
        config: { name: 'bn', batch_shape: [null, 3], dtype: { class_name: 'DTypePolicy', config: { name: 'float32' } } },
      }),
      { class_name: 'BatchNormalization', config: { name: 'bn', batch_input_shape: [null, 3], dtype: 'float32' } },
    );
  });
});
