import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HyperparameterSpec, HyperparameterValues } from '../../../../src/runtime/spec/jobSpec';
import type { TrialObservation } from '../../../../src/runtime/tune/algorithm';
import { coverageOrder, createAlgorithm } from '../../../../src/runtime/tune/algorithms';
import { nestedGridRanks } from '../../../../src/runtime/tune/algorithms/grid';

const spec = (maxTrials: number): HyperparameterSpec => ({
  algorithm: 'GRID_SEARCH',
  maxTrials,
  params: [
    { parameterName: 'units', type: 'INTEGER', minValue: 1, maxValue: 3 },
    { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', 'tanh'] },
  ],
});

const completed = (values: HyperparameterValues[]): TrialObservation[] =>
  values.map((parameters, i) => ({ trialId: String(i + 1), parameters, state: 'COMPLETED', objective: i }));

describe('grid search', () => {
  it('coverage order: middle, ends, then midpoints', () => {
    assert.deepEqual(coverageOrder(1), [0]);
    assert.deepEqual(coverageOrder(2), [0, 1]);
    assert.deepEqual(coverageOrder(5), [2, 0, 4, 1, 3]);
    assert.deepEqual(coverageOrder(9), [4, 0, 8, 2, 6, 1, 3, 5, 7]);
    for (let n = 1; n < 40; n++) assert.deepEqual([...coverageOrder(n)].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  });

  it('nested-grid ranks visit every tuple once, level by level', () => {
    const tuples = [...nestedGridRanks([3, 2])].map((t) => t.join(''));
    assert.deepEqual(tuples, ['00', '01', '10', '11', '20', '21']);
    const big = [...nestedGridRanks([4, 1, 3])];
    assert.equal(big.length, 12);
    assert.equal(new Set(big.map((t) => t.join())).size, 12);
    const levels = big.map((t) => Math.max(...t));
    assert.deepEqual(levels, [...levels].sort((a, b) => a - b));
  });

  it('enumerates a small space exactly, in nested-grid order', () => {
    const algo = createAlgorithm(spec(100), 1);
    assert.equal(algo.name, 'GRID_SEARCH');
    assert.deepEqual(algo.suggest({ history: [], count: 10 }), [
      { units: 2, act: 'relu' },
      { units: 2, act: 'tanh' },
      { units: 1, act: 'relu' },
      { units: 1, act: 'tanh' },
      { units: 3, act: 'relu' },
      { units: 3, act: 'tanh' },
    ]);
  });

  it('one at a time gives the same sequence, never repeats, and an exhausted grid returns []', () => {
    const algo = createAlgorithm(spec(100), 1);
    const all = algo.suggest({ history: [], count: 6 });
    const history: TrialObservation[] = [];
    for (let i = 0; i < 6; i++) {
      const [next] = algo.suggest({ history, count: 1 });
      assert.deepEqual(next, all[i]);
      history.push({ trialId: String(i), parameters: next, state: i % 2 ? 'FAILED' : 'ACTIVE' });
    }
    assert.deepEqual(algo.suggest({ history, count: 3 }), []);
    // A used combination anywhere in the history is skipped.
    assert.deepEqual(algo.suggest({ history: completed([all[1]]), count: 1 }), [all[0]]);
    assert.deepEqual(algo.suggest({ history: completed([all[0]]), count: 2 }), [all[1], all[2]]);
  });

  it('respects maxTrials (default 1), counting trials of every state', () => {
    assert.equal(createAlgorithm(spec(4), 1).suggest({ history: [], count: 10 }).length, 4);
    const algo = createAlgorithm(spec(4), 1);
    const first = algo.suggest({ history: [], count: 3 });
    assert.equal(algo.suggest({ history: completed(first), count: 5 }).length, 1);
    assert.deepEqual(createAlgorithm({ ...spec(1), maxTrials: undefined }, 1).suggest({ history: [], count: 5 }).length, 1);
  });

  it('spreads over every parameter early on a large grid', () => {
    const big: HyperparameterSpec = {
      algorithm: 'GRID_SEARCH',
      maxTrials: 1_000_000,
      params: [
        { parameterName: 'a', type: 'INTEGER', minValue: 0, maxValue: 99 },
        { parameterName: 'b', type: 'DISCRETE', discreteValues: Array.from({ length: 1000 }, (_, i) => i / 10) },
        { parameterName: 'c', type: 'CATEGORICAL', categoricalValues: ['x', 'y', 'z'] },
      ],
    };
    const first = createAlgorithm(big, 1).suggest({ history: [], count: 27 });
    assert.equal(first.length, 27);
    // after 27 trials (levels 0–2), each parameter has taken three values spanning its range
    assert.deepEqual([...new Set(first.map((v) => v.a))].sort((x, y) => Number(x) - Number(y)), [0, 49, 99]);
    assert.deepEqual([...new Set(first.map((v) => v.b))].sort((x, y) => Number(x) - Number(y)), [0, 49.9, 99.9]);
    assert.deepEqual([...new Set(first.map((v) => v.c))].sort(), ['x', 'y', 'z']);
  });
});
