// The XGBoost model folder: recognised by content, served through the ModelEngine contract, both
// base_score encodings, and the legacy binary format refused with advice.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { xgboostLoader, XGBoostEngine } from '../../../src/runtime/serving/engines/xgboostEngine';
import { detectFramework } from '../../../src/runtime/serving/loadModelFolder';
import { parseBaseScore, parseXGBoostJson, parseXGBoostModel, readXGBoostModelFile } from '../../../src/runtime/xgboost/xgboostModel';
import { decodeUbjson } from '../../../src/runtime/xgboost/ubjson';

const FIXTURES = join(__dirname, '../../fixtures/xgboost');
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'modellab-xgb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, name));
  for (const [target, source] of Object.entries(files)) copyFileSync(join(FIXTURES, source), join(dir, target));
  return dir;
}

function close(actual: unknown, expected: number | number[]): void {
  const a = ([] as number[]).concat(actual as number | number[]);
  const e = ([] as number[]).concat(expected);
  assert.equal(a.length, e.length);
  a.forEach((v, k) => assert.ok(Math.abs(v - e[k]) <= 1e-6, `${v} vs ${e[k]}`));
}

describe('XGBoost engine', () => {
  it('recognises model.json (by content), model.ubj and model.bst folders', async () => {
    assert.ok(await xgboostLoader.detect(folder('j', { 'model.json': 'binary_logistic.json' })));
    assert.ok(await xgboostLoader.detect(folder('u', { 'model.ubj': 'binary_logistic.ubj' })));
    assert.ok(await xgboostLoader.detect(folder('b', { 'model.bst': 'legacy_binary.bst' })));
    const tfjs = mkdtempSync(join(tmp, 't'));
    writeFileSync(join(tfjs, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
    assert.equal(await xgboostLoader.detect(tfjs), false, "a TensorFlow.js model.json is not XGBoost's");
    assert.equal(await xgboostLoader.detect(mkdtempSync(join(tmp, 'e'))), false);
  });

  it('the model-folder registry picks the XGBoost engine for such folders', async () => {
    for (const [file, source] of [['model.json', 'binary_logistic.json'], ['model.ubj', 'binary_logistic.ubj'], ['model.bst', 'legacy_binary.bst']]) {
      assert.equal((await detectFramework(folder('r', { [file]: source })))?.framework, 'xgboost', file);
    }
  });

  it('serves a multiclass model: probabilities per instance, a bad instance fails alone', async () => {
    const engine = await xgboostLoader.load(folder('m', { 'model.ubj': 'multi_softprob.ubj' }));
    assert.equal(engine.framework, 'xgboost');
    assert.equal(engine.runtime, 'typescript');
    assert.deepEqual(engine.signature.inputs[0].shape, [-1, 4]);
    assert.deepEqual(engine.signature.outputs[0].shape, [-1, 3]);
    const c = fixture.cases.multi_softprob;
    const outcomes = await engine.predict([c.inputs[0], [1, 2], c.inputs[1]]);
    assert.equal(outcomes.length, 3);
    close((outcomes[0] as { prediction: unknown }).prediction, c.expected[0]);
    assert.match((outcomes[1] as { error: string }).error, /^instance 1: expected 4 feature values, got 2/);
    close((outcomes[2] as { prediction: unknown }).prediction, c.expected[1]);
    await engine.close();
  });

  it('binary:logistic answers a probability; useBestIteration stops at best_iteration', async () => {
    const c = fixture.cases.binary_early_stopping;
    const model = readXGBoostModelFile(join(FIXTURES, 'binary_early_stopping.json'));
    const all = await new XGBoostEngine(model).predict(c.inputs);
    all.forEach((o, i) => close((o as { prediction: unknown }).prediction, c.expected[i]));
    const best = await new XGBoostEngine(model, { useBestIteration: true }).predict(c.inputs);
    best.forEach((o, i) => close((o as { prediction: unknown }).prediction, c.expected_best[i]));
  });

  it('reads base_score in both encodings: "3E-1" (XGBoost <= 3.0) and "[3E-1]" (XGBoost >= 3.1)', () => {
    assert.deepEqual(parseBaseScore('5E-1'), [0.5]);
    assert.deepEqual(parseBaseScore('[4.6E-1]'), [0.46]);
    assert.deepEqual(parseBaseScore('[1E0,2E0,3E0]'), [1, 2, 3]);
    for (const name of ['binary_logistic', 'multi_softprob', 'reg_logistic', 'count_poisson']) {
      const doc = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
      const plain = parseXGBoostModel(doc);
      const mparam = doc.learner.learner_model_param;
      assert.doesNotMatch(mparam.base_score, /^\[/);
      mparam.base_score = `[${mparam.base_score}]`;
      const bracketed = parseXGBoostModel(doc);
      assert.deepEqual(bracketed.baseMargin, plain.baseMargin, name);
    }
    // binary:logistic stores a probability: the margin is its logit.
    const binary = readXGBoostModelFile(join(FIXTURES, 'binary_logistic.json'));
    assert.deepEqual(binary.baseScore, [0.3]);
    assert.ok(Math.abs(binary.baseMargin[0] - Math.log(0.3 / 0.7)) < 1e-6);
  });

  it("serves model.bst in the legacy binary format, as Cloud ML Engine's xgboost runtime does", async () => {
    const c = fixture.legacy_binary;
    const engine = await xgboostLoader.load(folder('l', { 'model.bst': 'legacy_binary.bst' }));
    (await engine.predict(c.inputs)).forEach((o, i) => close((o as { prediction: unknown }).prediction, c.expected[i]));
  });

  it('refuses a model.bst it cannot read, saying how to re-save the model', async () => {
    const dir = mkdtempSync(join(tmp, 'g'));
    writeFileSync(join(dir, 'model.bst'), Buffer.from('binf' + 'x'.repeat(50)));
    await assert.rejects(xgboostLoader.load(dir), /not a legacy binary model Model Lab can read \(truncated.*save_model\('model\.json'\)/s);
  });

  it('refuses what it cannot evaluate, naming it', () => {
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'binary_logistic.json'), 'utf8'));
    assert.throws(() => parseXGBoostModel({ ...doc, learner: { ...doc.learner, objective: { name: 'reg:unknown' } } }), /objective "reg:unknown" is not supported/);
    doc.learner.gradient_booster.model.trees[0].tree_param.size_leaf_vector = '3';
    assert.throws(() => parseXGBoostModel(doc), /vector leaves/);
  });

  it("reads XGBoost's JSON with bare NaN (categorical split conditions)", () => {
    const text = readFileSync(join(FIXTURES, 'categorical_partition.json'), 'utf8');
    assert.match(text, /\[NaN,/, 'XGBoost wrote a bare NaN');
    assert.throws(() => JSON.parse(text));
    const model = readXGBoostModelFile(join(FIXTURES, 'categorical_partition.json'));
    assert.ok(model.trees.some((t) => t.categories?.some((c) => c !== undefined)));
    assert.deepEqual(parseXGBoostJson('{"a":[NaN,-Infinity,Infinity],"b":"NaN \\" x"}'), { a: ['NaN', '-Infinity', 'Infinity'], b: 'NaN " x' });
  });

  it('decodes UBJSON values and optimised containers', () => {
    // {"a": [$d#U 2 <1.5f> <-2f>], "b": "hi", "c": T, "d": Z, "e": I 300, "f": {$i#U 2 x i 1 y i -1}}
    const bytes = Uint8Array.from([
      0x7b, 0x55, 1, 0x61, 0x5b, 0x24, 0x64, 0x23, 0x55, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0,
      0x55, 1, 0x62, 0x53, 0x55, 2, 0x68, 0x69,
      0x55, 1, 0x63, 0x54,
      0x55, 1, 0x64, 0x5a,
      0x55, 1, 0x65, 0x49, 0x01, 0x2c,
      0x55, 1, 0x66, 0x7b, 0x24, 0x69, 0x23, 0x55, 2, 0x55, 1, 0x78, 1, 0x55, 1, 0x79, 0xff,
      0x7d,
    ]);
    assert.deepEqual(decodeUbjson(bytes), { a: [1.5, -2], b: 'hi', c: true, d: null, e: 300, f: { x: 1, y: -1 } });
    assert.throws(() => decodeUbjson(bytes.subarray(0, 20)), /truncated/);
  });
});
