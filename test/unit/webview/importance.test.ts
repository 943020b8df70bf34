import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParamInfo, TrialRow } from '../../../src/protocol/webviewProtocol';
import { estimateImportance, importanceSamples, spearman } from '../../../src/webview/study/importance';
import { rng } from '../../webview/synthetic';

const params: ParamInfo[] = [
  { name: 'a', type: 'DOUBLE', min: 0, max: 1 },
  { name: 'b', type: 'DOUBLE', min: 0, max: 1 },
  { name: 'c', type: 'INTEGER', min: 1, max: 10 },
  { name: 'd', type: 'CATEGORICAL', values: ['x', 'y', 'z'] },
];

function study(n: number, objective: (p: Record<string, number | string>, noise: number) => number, seed = 1): TrialRow[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const parameters = { a: r(), b: r(), c: 1 + Math.floor(r() * 10), d: ['x', 'y', 'z'][Math.floor(r() * 3)] };
    return { trialId: String(i + 1), state: 'completed', parameters, objective: objective(parameters, r() - 0.5), stoppedEarly: false, runId: `r${i}` };
  });
}

describe('parameter importance', () => {
  it('ranks the only parameter the objective depends on first (monotonic effect)', () => {
    const result = estimateImportance(study(300, (p, e) => 3 * (p.b as number) + 0.1 * e), params);
    assert.equal(result[0].name, 'b');
    assert.ok(result[0].importance > 0.9, JSON.stringify(result));
    assert.ok(result[0].spearman! > 0.9);
  });

  it('sees a non-monotonic effect that a rank correlation misses (optimum mid-range)', () => {
    const result = estimateImportance(study(300, (p, e) => -(((p.a as number) - 0.5) ** 2) + 0.005 * e, 2), params);
    assert.equal(result[0].name, 'a');
    assert.ok(Math.abs(result[0].spearman!) < 0.3, 'rank correlation alone would not find it');
    assert.ok(result[0].importance > 0.8, JSON.stringify(result));
  });

  it('handles categorical and integer parameters', () => {
    const byCategory = estimateImportance(study(300, (p, e) => ({ x: 0, y: 1, z: 0.5 })[p.d as string]! + 0.2 * e, 3), params);
    assert.equal(byCategory[0].name, 'd');
    assert.equal(byCategory[0].spearman, undefined);
    const byInteger = estimateImportance(study(300, (p, e) => (p.c as number) + e, 4), params);
    assert.equal(byInteger[0].name, 'c');
  });

  it('orders two effects by their size', () => {
    const result = estimateImportance(study(500, (p, e) => 2 * (p.a as number) + 0.5 * (p.c as number) / 10 + 0.05 * e, 5), params);
    assert.deepEqual(result.slice(0, 2).map((r) => r.name), ['a', 'c']);
    const sum = result.reduce((s, r) => s + r.importance, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
  });

  it('finds nothing in pure noise (no share above chance level)', () => {
    const result = estimateImportance(study(400, (_p, e) => e, 6), params);
    for (const r of result) assert.ok(r.explained < 0.05, JSON.stringify(result));
  });

  it('uses completed trials only, sampled evenly when there are many', () => {
    const trials = study(50, (p) => p.a as number);
    trials[0] = { ...trials[0], state: 'running', objective: undefined, lastValue: 1 };
    trials[1] = { ...trials[1], state: 'failed', objective: undefined };
    assert.equal(importanceSamples(trials, 1000).length, 48);
    const sampled = importanceSamples(study(10_000, (p) => p.a as number), 2000);
    assert.equal(sampled.length, 2000);
    assert.equal(sampled[1].trialId, '6');
    assert.deepEqual(estimateImportance(trials.slice(0, 3), params).map((r) => r.importance), [0, 0, 0, 0]);
  });

  it('computes Spearman correlations with ties', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.ok(Math.abs(spearman([1, 1, 2, 2], [1, 2, 3, 4]) - 0.894) < 0.001);
  });
});
