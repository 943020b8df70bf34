import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParameterSpec } from '../../../../src/runtime/spec/jobSpec';
import { SearchSpace, fromUnit, toUnit } from '../../../../src/runtime/tune/space';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

describe('search space', () => {
  it('DOUBLE round-trips on every scale, and the scales put the midpoint where they should', () => {
    for (const scale of ['LINEAR', 'LOG', 'REVERSE_LOG'] as const) {
      for (const x of [1e-4, 3e-3, 0.05, 0.09999, 0.1]) close(fromUnit(toUnit(x, 1e-4, 0.1, scale), 1e-4, 0.1, scale), x);
      for (const u of [0, 0.25, 0.5, 1]) close(toUnit(fromUnit(u, 1e-4, 0.1, scale), 1e-4, 0.1, scale), u);
    }
    close(fromUnit(0.5, 1e-4, 1e-2, 'LOG'), 1e-3); // geometric mean
    close(fromUnit(0.5, 0.9, 0.999, 'LINEAR'), 0.9495);
    // Reverse log is dense near maxValue: the midpoint lies above the linear midpoint.
    assert.ok(fromUnit(0.5, 1, 100, 'REVERSE_LOG') > 50.5);
    close(fromUnit(0.5, 1, 100, 'REVERSE_LOG'), 101 - 10);
    const space = new SearchSpace([
      { parameterName: 'lin', type: 'DOUBLE', minValue: -2, maxValue: 3 },
      { parameterName: 'log', type: 'DOUBLE', minValue: 1e-5, maxValue: 1, scaleType: 'UNIT_LOG_SCALE' },
      { parameterName: 'rev', type: 'DOUBLE', minValue: 0.9, maxValue: 0.9999, scaleType: 'UNIT_REVERSE_LOG_SCALE' },
    ]);
    const values = { lin: 1.25, log: 3.3e-4, rev: 0.995 };
    const back = space.decode(space.encode(values));
    for (const k of Object.keys(values) as (keyof typeof values)[]) close(back[k] as number, values[k]);
    assert.equal(space.width, 3);
    assert.equal(space.continuous, true);
  });

  it('INTEGER rounds to the nearest allowed value in the scaled coordinate', () => {
    const lin: ParameterSpec = { parameterName: 'n', type: 'INTEGER', minValue: 8, maxValue: 128 };
    const log: ParameterSpec = { parameterName: 'n', type: 'INTEGER', minValue: 1, maxValue: 4, scaleType: 'UNIT_LOG_SCALE' };
    const rev: ParameterSpec = { parameterName: 'n', type: 'INTEGER', minValue: 1, maxValue: 100, scaleType: 'UNIT_REVERSE_LOG_SCALE' };
    for (const spec of [lin, log, rev]) {
      const space = new SearchSpace([spec]);
      for (let v = spec.minValue ?? 0; v <= (spec.maxValue ?? 0); v++) assert.equal(space.decode(space.encode({ n: v })).n, v);
      for (const u of [0, 0.13, 0.5, 0.77, 1]) assert.ok(Number.isInteger(space.decode([u]).n));
    }
    const space = new SearchSpace([log]);
    // log scale on [1,4]: 1 → 0, 2 → 0.5. u = 0.24 is nearer 1 (0) than 2 (0.5) in the scaled coordinate,
    // although its linear value exp(0.24·ln 4) ≈ 1.39 also rounds to 1; u = 0.26 → 1.43 goes to 2 here.
    assert.equal(space.decode([0.24]).n, 1);
    assert.equal(space.decode([0.26]).n, 2);
    // sampling view: every integer of a linear range equally likely
    const lspace = new SearchSpace([{ parameterName: 'n', type: 'INTEGER', minValue: 0, maxValue: 3 }]);
    assert.deepEqual([0, 0.24, 0.25, 0.5, 0.99, 1].map((u) => lspace.fromSample([u]).n), [0, 0, 1, 2, 3, 3]);
  });

  it('DISCRETE snaps to the nearest listed value, respecting its scale', () => {
    const lin = new SearchSpace([{ parameterName: 'b', type: 'DISCRETE', discreteValues: [16, 32, 64, 128] }]);
    for (const v of [16, 32, 64, 128]) assert.equal(lin.decode(lin.encode({ b: v })).b, v);
    assert.equal(lin.decode([(47 - 16) / 112]).b, 32);
    assert.equal(lin.decode([(49 - 16) / 112]).b, 64);
    const log = new SearchSpace([{ parameterName: 'b', type: 'DISCRETE', discreteValues: [16, 32, 64, 128], scaleType: 'UNIT_LOG_SCALE' }]);
    assert.deepEqual([16, 32, 64, 128].map((v) => log.encode({ b: v })[0]).map((u) => Math.round(u * 300) / 300), [0, 1 / 3, 2 / 3, 1]);
    assert.equal(log.decode([0.49]).b, 32);
    assert.equal(log.decode([0.51]).b, 64);
    assert.deepEqual([0, 0.3, 0.6, 0.99].map((u) => log.fromSample([u]).b), [16, 32, 64, 128]);
    const single = new SearchSpace([{ parameterName: 'b', type: 'DISCRETE', discreteValues: [5] }]);
    assert.equal(single.decode([0.9]).b, 5);
  });

  it('CATEGORICAL is a one-hot block; decoding takes the argmax', () => {
    const space = new SearchSpace([
      { parameterName: 'lr', type: 'DOUBLE', minValue: 0, maxValue: 1 },
      { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', 'tanh', 'gelu'] },
      { parameterName: 'k', type: 'INTEGER', minValue: 1, maxValue: 3 },
    ]);
    assert.equal(space.width, 5);
    assert.equal(space.continuous, false);
    assert.deepEqual(space.encode({ lr: 0.5, act: 'tanh', k: 3 }), [0.5, 0, 1, 0, 1]);
    assert.deepEqual(space.decode([0.5, 0.2, 0.1, 0.7, 0]), { lr: 0.5, act: 'gelu', k: 1 });
    assert.deepEqual(space.project([0.5, 0.2, 0.1, 0.7, 0.6]), [0.5, 0, 0, 1, 0.5]);
    for (const act of ['relu', 'tanh', 'gelu']) assert.equal(space.decode(space.encode({ lr: 0.1, act, k: 2 })).act, act);
    assert.deepEqual([0, 0.34, 0.67, 1].map((u) => space.fromSample([0, u, 0]).act), ['relu', 'tanh', 'gelu', 'gelu']);
    assert.equal(space.size, Infinity);
  });

  it('keys identify configurations (numbers given as strings count as the same)', () => {
    const space = new SearchSpace([
      { parameterName: 'a', type: 'INTEGER', minValue: 1, maxValue: 9 },
      { parameterName: 'c', type: 'CATEGORICAL', categoricalValues: ['x', 'y'] },
    ]);
    assert.ok(space.equal({ a: 3, c: 'x' }, { c: 'x', a: '3' }));
    assert.ok(!space.equal({ a: 3, c: 'x' }, { a: 3, c: 'y' }));
    assert.equal(space.size, 18);
  });
});
