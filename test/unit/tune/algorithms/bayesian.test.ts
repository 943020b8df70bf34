import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HyperparameterSpec, HyperparameterValues } from '../../../../src/runtime/spec/jobSpec';
import type { TrialObservation } from '../../../../src/runtime/tune/algorithm';
import { createAlgorithm, initialDesignSize } from '../../../../src/runtime/tune/algorithms';
import { isStuck } from '../../../../src/runtime/tune/algorithms/bayesian';
import { SearchSpace } from '../../../../src/runtime/tune/space';

const branin = (x1: number, x2: number): number => {
  const b = 5.1 / (4 * Math.PI ** 2);
  return (x2 - b * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};
const BRANIN_MIN = 0.397887357729738;

const braninSpec = (algorithm: HyperparameterSpec['algorithm'], maxTrials = 30): HyperparameterSpec => ({
  goal: 'MINIMIZE',
  algorithm,
  maxTrials,
  params: [
    { parameterName: 'x1', type: 'DOUBLE', minValue: -5, maxValue: 10 },
    { parameterName: 'x2', type: 'DOUBLE', minValue: 0, maxValue: 15 },
  ],
});

const mixedSpec: HyperparameterSpec = {
  goal: 'MAXIMIZE',
  maxTrials: 20,
  params: [
    { parameterName: 'lr', type: 'DOUBLE', minValue: 1e-4, maxValue: 0.1, scaleType: 'UNIT_LOG_SCALE' },
    { parameterName: 'units', type: 'INTEGER', minValue: 1, maxValue: 6 },
    { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', 'tanh', 'gelu'] },
    { parameterName: 'batch', type: 'DISCRETE', discreteValues: [16, 32, 64] },
  ],
};
const mixedObjective = (v: HyperparameterValues): number =>
  -((Math.log10(Number(v.lr)) + 2.5) ** 2) - 0.1 * (Number(v.units) - 4) ** 2 + (v.act === 'tanh' ? 0.5 : 0) + Number(v.batch) / 640;

/** Runs a sequential study; returns its history. */
function study(spec: HyperparameterSpec, seed: number, trials: number, objective: (v: HyperparameterValues) => number): TrialObservation[] {
  const algo = createAlgorithm(spec, seed);
  const history: TrialObservation[] = [];
  while (history.length < trials) {
    const [parameters] = algo.suggest({ history, count: 1 });
    history.push({ trialId: String(history.length + 1), parameters, state: 'COMPLETED', objective: objective(parameters) });
  }
  return history;
}

const braninOf = (v: HyperparameterValues): number => branin(Number(v.x1), Number(v.x2));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe('Bayesian optimisation (default algorithm)', () => {
  it('is the default and is reproducible for a seed and history', () => {
    const spec = braninSpec(undefined);
    assert.equal(createAlgorithm(spec, 1).name, 'BAYESIAN');
    assert.equal(createAlgorithm({ ...spec, algorithm: 'ALGORITHM_UNSPECIFIED' }, 1).name, 'BAYESIAN');
    const history = study(spec, 4, 8, braninOf);
    const a = createAlgorithm(spec, 4).suggest({ history, count: 3 });
    assert.deepEqual(createAlgorithm(spec, 4).suggest({ history, count: 3 }), a);
    assert.notDeepEqual(createAlgorithm(spec, 5).suggest({ history, count: 3 }), a);
    assert.deepEqual(study(spec, 4, 8, braninOf), history);
  });

  it('one at a time (earlier ones ACTIVE) equals a batch, and a reloaded history continues identically', () => {
    const spec = braninSpec(undefined);
    const done = study(spec, 2, initialDesignSize(spec) + 1, braninOf);
    const batch = createAlgorithm(spec, 2).suggest({ history: done, count: 3 });
    const history = [...done];
    for (let i = 0; i < 3; i++) {
      const reloaded = JSON.parse(JSON.stringify(history)) as TrialObservation[];
      const [next] = createAlgorithm(spec, 2).suggest({ history: reloaded, count: 1 });
      assert.deepEqual(next, batch[i]);
      history.push({ trialId: `p${i}`, parameters: next, state: 'ACTIVE' });
    }
  });

  it('batch suggestions are distinct and never repeat pending or used configurations', () => {
    const space = new SearchSpace(mixedSpec.params);
    const history = study(mixedSpec, 1, 10, mixedObjective);
    history.push({ trialId: 'a', parameters: { lr: 0.003, units: 4, act: 'tanh', batch: 64 }, state: 'ACTIVE' });
    history.push({ trialId: 'f', parameters: { lr: 0.004, units: 4, act: 'tanh', batch: 64 }, state: 'FAILED' });
    const batch = createAlgorithm(mixedSpec, 1).suggest({ history, count: 6 });
    assert.equal(batch.length, 6);
    const keys = new Set(history.map((t) => space.key(t.parameters)));
    for (const v of batch) {
      const key = space.key(v);
      assert.ok(!keys.has(key), `repeated ${key}`);
      keys.add(key);
      assert.ok(Number(v.lr) >= 1e-4 && Number(v.lr) <= 0.1);
      assert.ok(Number.isInteger(v.units) && Number(v.units) >= 1 && Number(v.units) <= 6);
      assert.ok(['relu', 'tanh', 'gelu'].includes(String(v.act)));
      assert.ok([16, 32, 64].includes(Number(v.batch)));
    }
  });

  it('handles the goal, STOPPED and FAILED trials as documented', () => {
    const spec = braninSpec(undefined);
    const history = study(spec, 3, 8, braninOf);
    const expected = createAlgorithm(spec, 3).suggest({ history, count: 2 });
    // MAXIMIZE of −f is MINIMIZE of f
    const negated = history.map((t) => ({ ...t, objective: -(t.objective ?? 0) }));
    assert.deepEqual(createAlgorithm({ ...spec, goal: 'MAXIMIZE' }, 3).suggest({ history: negated, count: 2 }), expected);
    // a STOPPED trial counts with its objective, like a completed one
    const stopped = history.map((t, i) => (i === 6 ? { ...t, state: 'STOPPED' as const } : t));
    assert.deepEqual(createAlgorithm(spec, 3).suggest({ history: stopped, count: 2 }), expected);
    // a FAILED trial carries no objective and is never suggested again
    const space = new SearchSpace(spec.params);
    const failed: TrialObservation[] = [...history, { trialId: 'x', parameters: expected[0], state: 'FAILED' }];
    const next = createAlgorithm(spec, 3).suggest({ history: failed, count: 1 });
    assert.ok(!space.equal(next[0], expected[0]));
  });

  it('survives duplicate observations and a study where every trial failed', () => {
    const spec = braninSpec(undefined);
    const same = { x1: 1, x2: 2 };
    const history: TrialObservation[] = Array.from({ length: 8 }, (_, i) => ({ trialId: String(i), parameters: same, state: 'COMPLETED', objective: 5 + i * 1e-9 }));
    history.push({ trialId: 'b', parameters: { x1: 3, x2: 3 }, state: 'COMPLETED', objective: 5 });
    assert.equal(createAlgorithm(spec, 1).suggest({ history, count: 2 }).length, 2);
    const failed: TrialObservation[] = Array.from({ length: 12 }, (_, i) => ({ trialId: String(i), parameters: { x1: i, x2: i }, state: 'FAILED' }));
    assert.equal(createAlgorithm(spec, 1).suggest({ history: failed, count: 2 }).length, 2);
  });

  it('stops when a small discrete space is used up', () => {
    const tiny: HyperparameterSpec = { goal: 'MINIMIZE', maxTrials: 10, params: [{ parameterName: 'k', type: 'INTEGER', minValue: 1, maxValue: 4 }] };
    const history = study(tiny, 1, 4, (v) => Number(v.k));
    assert.deepEqual(history.map((t) => t.parameters.k).sort(), [1, 2, 3, 4]);
    assert.deepEqual(createAlgorithm(tiny, 1).suggest({ history, count: 2 }), []);
  });

  it('switches to an exploratory step only when the last four trials cluster at the incumbent', () => {
    const at = (...xs: number[]): Float64Array => Float64Array.from(xs);
    const incumbent = [0.5, 0.5];
    const near = [at(0.5, 0.51), at(0.52, 0.5), at(0.49, 0.49), at(0.5, 0.5)];
    assert.equal(isStuck([at(0.9, 0.1), ...near], incumbent), true);
    assert.equal(isStuck([...near.slice(0, 3), at(0.9, 0.1)], incumbent), false);
    assert.equal(isStuck(near.slice(0, 3), incumbent), false);
  });

  it('beats random search on Branin within 30 trials (median over 5 seeds)', () => {
    const bo: number[] = [];
    const rs: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      bo.push(Math.min(...study(braninSpec(undefined), seed, 30, braninOf).map((t) => t.objective ?? Infinity)) - BRANIN_MIN);
      rs.push(Math.min(...study(braninSpec('RANDOM_SEARCH'), seed, 30, braninOf).map((t) => t.objective ?? Infinity)) - BRANIN_MIN);
    }
    // Typical: BO ≈ 0.003, random ≈ 1. The thresholds leave a wide margin.
    assert.ok(median(bo) < 0.1, `BO median regret ${median(bo)}`);
    assert.ok(median(bo) < median(rs) / 5, `BO ${median(bo)} vs random ${median(rs)}`);
  });
});
