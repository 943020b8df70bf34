import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnInfo } from '../../../src/runtime/data/records';
import { globToRegExp, planFeatures } from '../../../src/runtime/transform/featurePlan';
import { TransformError } from '../../../src/runtime/transform/transformError';

const col = (name: string, type: ColumnInfo['type'] = 'number'): ColumnInfo => ({ name, type, missing: 0, distinct: 1 });
const columns = [col('id'), col('pixel_0'), col('pixel_1'), col('pixel_10'), col('color', 'string'), col('flag', 'boolean'), col('label', 'string')];
const plan = (features?: Parameters<typeof planFeatures>[1]) => planFeatures(columns, features, 'label').map((f) => `${f.column}:${f.options.transform}`);

test('without features: every non-label column, numbers by zscore, text and booleans by vocabulary', () => {
  assert.deepEqual(plan(), ['id:zscore', 'pixel_0:zscore', 'pixel_1:zscore', 'pixel_10:zscore', 'color:vocabulary', 'flag:vocabulary']);
});

test('globs expand in column order and never over the label; only named columns are used', () => {
  assert.deepEqual(plan({ 'pixel_*': 'minmax', color: { transform: 'hash', buckets: 8 } }), ['pixel_0:minmax', 'pixel_1:minmax', 'pixel_10:minmax', 'color:hash']);
  assert.deepEqual(plan({ 'pixel_?': 'identity' }), ['pixel_0:identity', 'pixel_1:identity']);
  assert.deepEqual(plan({ '*': 'identity' }).length, 6);
});

test('later keys override earlier ones and the column keeps its first place; drop removes it', () => {
  assert.deepEqual(plan({ '*': 'zscore', color: 'vocabulary', id: 'drop', 'pixel_1*': 'drop' }), ['pixel_0:zscore', 'color:vocabulary', 'flag:zscore']);
});

test('a key matching no column names the closest column; the label cannot be a feature; unknown transforms', () => {
  assert.throws(
    () => plan({ colour: 'vocabulary' }),
    (err: unknown) => err instanceof TransformError && err.message === "features.colour: no column matches 'colour' (did you mean 'color'?)",
  );
  assert.throws(() => plan({ 'pixl_*': 'zscore' }), /no column matches 'pixl_\*' \(did you mean 'pixel_0'\?\)/);
  assert.throws(() => plan({ label: 'vocabulary' }), /'label' is the label; it cannot also be a feature/);
  assert.throws(() => plan({ id: 'zscor' as never }), /unknown transform 'zscor'.*did you mean 'zscore'/);
});

test('glob syntax: * and ? only; other characters are literal', () => {
  assert.ok(globToRegExp('a.b*').test('a.b.c'));
  assert.ok(!globToRegExp('a.b*').test('axb'));
  assert.ok(globToRegExp('x?').test('x1'));
  assert.ok(!globToRegExp('x?').test('x12'));
  assert.ok(globToRegExp('(a)+[b]').test('(a)+[b]'));
});
