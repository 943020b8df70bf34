// XGBoost models saved by real XGBoost (Debian's python3-xgboost 1.7.4, see
// test/fixtures/xgboost/make_fixtures.py) evaluated by the TypeScript evaluator must predict what XGBoost
// predicted: within 1e-6 (XGBoost accumulates in float32; only exp vs expf can differ, by a few ulps).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readXGBoostModelFile, type XGBoostModel } from '../../../src/runtime/xgboost/xgboostModel';
import { instanceToRow, predictRow } from '../../../src/runtime/xgboost/xgboostPredict';

const FIXTURES = join(__dirname, '../../fixtures/xgboost');
const TOLERANCE = 1e-6;

interface Case {
  objective: string;
  inputs: (number | null)[][];
  expected: (number | number[])[];
  expected_best?: number[];
  best_iteration?: number;
  feature_names?: string[];
}
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));
const cases: Record<string, Case> = fixture.cases;
/** The cases also saved in XGBoost's legacy binary format (<case>.bst). */
const LEGACY = ['binary_logistic', 'multi_softprob', 'multi_softmax', 'count_poisson', 'gblinear_squarederror', 'dart_binary', 'binary_early_stopping'];

function maxDiff(actual: number | number[], expected: number | number[]): number {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  assert.equal(a.length, e.length, 'output length');
  return Math.max(...a.map((v, k) => Math.abs(v - e[k])));
}

function check(model: XGBoostModel, c: Case, expected = c.expected, iterationRange?: [number, number]): number {
  let worst = 0;
  c.inputs.forEach((x, i) => {
    const d = maxDiff(predictRow(model, instanceToRow(model, x), { iterationRange }), expected[i]);
    worst = Math.max(worst, d);
  });
  return worst;
}

describe('XGBoost evaluator against real XGBoost', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const ext of LEGACY.includes(name) ? ['json', 'ubj', 'bst'] : ['json', 'ubj']) {
      it(`${name}.${ext} (${c.objective})`, () => {
        const model = readXGBoostModelFile(join(FIXTURES, `${name}.${ext}`));
        assert.equal(model.objective, c.objective);
        assert.ok(c.inputs.some((row) => row.includes(null)), 'the fixture exercises missing values');
        const worst = check(model, c);
        assert.ok(worst <= TOLERANCE, `max |diff| ${worst} > ${TOLERANCE}`);
      });
    }
  }

  it('JSON and UBJSON files decode to the same model', () => {
    for (const name of Object.keys(cases)) {
      const a = readXGBoostModelFile(join(FIXTURES, `${name}.json`));
      const b = readXGBoostModelFile(join(FIXTURES, `${name}.ubj`));
      assert.deepEqual(a, b, name);
    }
  });

  it('legacy binary files decode to the same trees as the JSON (without feature names, which that format lacks)', () => {
    for (const name of LEGACY) {
      const a = readXGBoostModelFile(join(FIXTURES, `${name}.json`));
      const b = readXGBoostModelFile(join(FIXTURES, `${name}.bst`));
      for (const key of ['booster', 'objective', 'numFeature', 'numClass', 'numGroups', 'baseMargin', 'trees', 'treeGroup', 'treeWeights', 'iterationIndptr', 'linearWeights', 'bestIteration'] as const) {
        assert.deepEqual(b[key], a[key], `${name}: ${key}`);
      }
    }
    const legacy = fixture.legacy_binary as Case;
    const model = readXGBoostModelFile(join(FIXTURES, 'legacy_binary.bst'));
    assert.ok(check(model, legacy) <= TOLERANCE);
  });

  it('multiclass softprob returns one probability per class, summing to 1', () => {
    const model = readXGBoostModelFile(join(FIXTURES, 'multi_softprob.json'));
    assert.equal(model.numGroups, 3);
    assert.equal(model.iterationIndptr.length - 1, 5, 'two parallel trees per class per iteration');
    const p = predictRow(model, instanceToRow(model, cases.multi_softprob.inputs[0])) as number[];
    assert.equal(p.length, 3);
    assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  });

  it('best_iteration is read, and an iteration range limits the trees as XGBoost does', () => {
    const c = cases.binary_early_stopping;
    const model = readXGBoostModelFile(join(FIXTURES, 'binary_early_stopping.ubj'));
    assert.equal(model.bestIteration, c.best_iteration);
    assert.ok(model.iterationIndptr.length - 1 > c.best_iteration! + 1, 'the model has trees past best_iteration');
    const worst = check(model, c, c.expected_best, [0, model.bestIteration! + 1]);
    assert.ok(worst <= TOLERANCE, `max |diff| ${worst}`);
    assert.ok(check(model, c, c.expected_best) > 1e-4, 'all trees differ from best_iteration');
  });

  it('instances may be objects keyed by feature name; absent names are missing values', () => {
    const c = cases.binary_named;
    const model = readXGBoostModelFile(join(FIXTURES, 'binary_named.json'));
    assert.deepEqual(model.featureNames, c.feature_names);
    c.inputs.forEach((x, i) => {
      const record = Object.fromEntries(x.flatMap((v, k) => (v === null ? [] : [[model.featureNames[k], v]])));
      assert.ok(maxDiff(predictRow(model, instanceToRow(model, record)), c.expected[i]) <= TOLERANCE);
    });
    assert.throws(() => instanceToRow(model, { nope: 1 }), /unknown feature "nope"/);
  });

  it('bad instances are refused with a message naming the problem', () => {
    const model = readXGBoostModelFile(join(FIXTURES, 'binary_logistic.json'));
    assert.throws(() => instanceToRow(model, [1, 2]), /expected 8 feature values, got 2/);
    assert.throws(() => instanceToRow(model, [1, 2, 3, 4, 5, 6, 7, 'x']), /feature 7 must be a number/);
    assert.throws(() => instanceToRow(model, { a: 1 }), /no feature names/);
    assert.throws(() => instanceToRow(model, 'a,b'), /must be a list of 8/);
  });
});
