/** The faster JSON writer used for batch output lines and server responses must write JSON.stringify's exact text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringifyJson } from '../../../src/runtime/util/stringifyJson';

test('stringifyJson writes exactly what JSON.stringify writes', () => {
  const classes = ['setosa', 'versicolor', 'virginica'];
  const dated = new Date(0);
  const values: unknown[] = [
    { label: 'setosa', classes: classes.slice(), probabilities: [0.856712818145752, 0.14214876294136047, 0.0011383871315047145] },
    { label: 'virginica', classes: classes.slice(), probabilities: [1e-7, 1e21, -0] },
    { label: 'x', classes: ['a', 'b'], probabilities: [NaN, Infinity, -Infinity] },
    { value: 3.5 },
    [1, 'two', null, undefined, () => 1, true, false, [[]], {}],
    { a: undefined, b: () => 1, c: Symbol('s'), d: 1, 2: 'int key first', '"q"\n': 'quote\u2028 \ud800 \\' },
    Object.assign(Object.create(null), { z: 1 }),
    { when: dated, typed: new Float32Array([0.1, 0.2]), map: new Map(), toJSON: undefined },
    { toJSON: () => ({ replaced: true }) },
    ['setosa', 'versicolor', 'virginica'],
    ['setosa', 'versicolor', 'other'],
    ['setosa', 1],
    'plain',
    42,
    null,
    { deep: Array.from({ length: 40 }).reduce<unknown>((inner) => [inner], 1) },
  ];
  for (const v of values) assert.equal(stringifyJson(v), JSON.stringify(v), String(JSON.stringify(v)));
  assert.equal(stringifyJson(undefined), undefined);
});
