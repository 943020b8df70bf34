import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferColumns } from '../../../src/runtime/data/inferColumns';

test('types, missing counts and distinct counts, in order of first appearance', () => {
  const columns = inferColumns([
    { n: 1, s: 'a', b: true, mixed: 1, nb: 1, empty: null },
    { n: 2.5, s: 'b', b: false, mixed: 'x', nb: true, empty: '' },
    { n: null, s: 'a', b: null, mixed: 2, extra: 'late' },
    { n: 2.5, s: '', b: true, mixed: null },
  ]);
  assert.deepEqual(columns, [
    { name: 'n', type: 'number', missing: 1, distinct: 2 },
    { name: 's', type: 'string', missing: 1, distinct: 2 },
    { name: 'b', type: 'boolean', missing: 1, distinct: 2 },
    { name: 'mixed', type: 'string', missing: 1, distinct: 3 },
    { name: 'nb', type: 'string', missing: 2, distinct: 2 },
    { name: 'empty', type: 'string', missing: 4, distinct: 0 },
    { name: 'extra', type: 'string', missing: 3, distinct: 1 },
  ]);
});

test('no records, no columns', () => {
  assert.deepEqual(inferColumns([]), []);
});
