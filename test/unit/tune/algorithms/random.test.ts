import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HyperparameterSpec } from '../../../../src/runtime/spec/jobSpec';
import type { TrialObservation } from '../../../../src/runtime/tune/algorithm';
import { createAlgorithm } from '../../../../src/runtime/tune/algorithms';
import { SearchSpace } from '../../../../src/runtime/tune/space';

const spec: HyperparameterSpec = {
  algorithm: 'RANDOM_SEARCH',
  maxTrials: 50,
  params: [
    { parameterName: 'lr', type: 'DOUBLE', minValue: 1e-4, maxValue: 0.1, scaleType: 'UNIT_LOG_SCALE' },
    { parameterName: 'units', type: 'INTEGER', minValue: 8, maxValue: 128 },
    { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', 'tanh'] },
    { parameterName: 'batch', type: 'DISCRETE', discreteValues: [16, 32, 64] },
  ],
};

describe('random search', () => {
  it('is reproducible for a seed, differs across seeds, and stays in the space', () => {
    const a = createAlgorithm(spec, 7).suggest({ history: [], count: 20 });
    assert.deepEqual(createAlgorithm(spec, 7).suggest({ history: [], count: 20 }), a);
    assert.notDeepEqual(createAlgorithm(spec, 8).suggest({ history: [], count: 20 }), a);
    for (const v of a) {
      assert.ok(typeof v.lr === 'number' && v.lr >= 1e-4 && v.lr <= 0.1);
      assert.ok(Number.isInteger(v.units) && Number(v.units) >= 8 && Number(v.units) <= 128);
      assert.ok(v.act === 'relu' || v.act === 'tanh');
      assert.ok([16, 32, 64].includes(Number(v.batch)));
    }
    // the log scale spreads over the decades
    assert.ok(a.some((v) => Number(v.lr) < 1e-3) && a.some((v) => Number(v.lr) > 1e-2));
  });

  it('a batch equals one-at-a-time suggestions, and a reloaded history continues the same sequence', () => {
    const algo = createAlgorithm(spec, 3);
    const batch = algo.suggest({ history: [], count: 6 });
    const history: TrialObservation[] = [];
    for (let i = 0; i < 6; i++) {
      const fresh = createAlgorithm(spec, 3); // as after a restart
      const reloaded = JSON.parse(JSON.stringify(history)) as TrialObservation[];
      const [next] = fresh.suggest({ history: reloaded, count: 1 });
      assert.deepEqual(next, batch[i]);
      history.push({ trialId: String(i), parameters: next, state: i < 3 ? 'COMPLETED' : 'ACTIVE', objective: i < 3 ? i : undefined });
    }
  });

  it('never duplicates a configuration of a small space, and stops when it is used up', () => {
    const tiny: HyperparameterSpec = { algorithm: 'RANDOM_SEARCH', params: [{ parameterName: 'c', type: 'CATEGORICAL', categoricalValues: ['a', 'b', 'c'] }] };
    const algo = createAlgorithm(tiny, 1);
    const got = algo.suggest({ history: [], count: 5 });
    assert.deepEqual(got.map((v) => v.c).sort(), ['a', 'b', 'c']);
    const history: TrialObservation[] = [{ trialId: '1', parameters: { c: 'b' }, state: 'ACTIVE' }];
    const next = algo.suggest({ history, count: 2 });
    const space = new SearchSpace(tiny.params);
    assert.equal(next.length, 2);
    assert.ok(next.every((v) => !space.equal(v, { c: 'b' })));
  });
});

describe('random search in a nearly used-up space', () => {
  it('finds the last unused configurations of a finite space', () => {
    const grid: HyperparameterSpec = {
      algorithm: 'RANDOM_SEARCH',
      params: [
        { parameterName: 'a', type: 'INTEGER', minValue: 1, maxValue: 30 },
        { parameterName: 'b', type: 'DISCRETE', discreteValues: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      ],
    };
    const space = new SearchSpace(grid.params);
    const history: TrialObservation[] = [];
    for (let a = 1; a <= 30; a++) {
      for (let b = 1; b <= 10; b++) {
        if (!(a === 17 && b === 3) && !(a === 4 && b === 9)) history.push({ trialId: `${a}-${b}`, parameters: { a, b }, state: 'COMPLETED', objective: 0 });
      }
    }
    const last = createAlgorithm(grid, 1).suggest({ history, count: 5 });
    assert.deepEqual(last.map((v) => space.key(v)).sort(), [space.key({ a: 17, b: 3 }), space.key({ a: 4, b: 9 })].sort());
  });
});
