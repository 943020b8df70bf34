import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferColumns } from '../../../src/runtime/data/inferColumns';
import type { RawRecord } from '../../../src/runtime/data/records';
import { analyzeTransform } from '../../../src/runtime/transform/analyze';
import { applyTransform, validateInstances } from '../../../src/runtime/transform/apply';
import { describeTransform, summarizeTransform } from '../../../src/runtime/transform/describe';
import type { FittedTransform } from '../../../src/runtime/transform/fittedTransform';
import { InstanceError, TransformError } from '../../../src/runtime/transform/transformError';

const train: RawRecord[] = [
  { age: 20, income: 1000, color: 'red', city: 'Paris', member: true, label: 'yes' },
  { age: 30, income: null, color: 'blue', city: 'Lyon', member: false, label: 'no' },
  { age: 40, income: 3000, color: 'red', city: 'Nice', member: true, label: 'yes' },
  { age: null, income: 2000, color: null, city: 'Paris', member: true, label: 'no' },
];
const columns = inferColumns(train);

test('analyze with defaults: zscore for numbers, vocabulary for text and booleans; names and width', () => {
  const t = analyzeTransform(train, columns, undefined, 'label', undefined);
  assert.equal(t.version, 1);
  assert.deepEqual(t.label, { column: 'label', task: 'classification', classes: ['no', 'yes'] });
  assert.deepEqual(
    t.features.map((f) => f.transform),
    ['zscore', 'zscore', 'vocabulary', 'vocabulary', 'vocabulary'],
  );
  assert.deepEqual(t.inputNames, [
    'age',
    'income',
    'color=red',
    'color=blue',
    'color=<oov>',
    'city=Paris',
    'city=Lyon',
    'city=Nice',
    'city=<oov>',
    'member=true',
    'member=false',
    'member=<oov>',
  ]);
  assert.equal(t.inputWidth, 12);
});

test('apply: a row-major matrix, missing values filled; the hand-computed first rows', () => {
  const t = analyzeTransform(train, columns, { age: 'minmax', income: { transform: 'identity', fill: 0 }, color: 'vocabulary' }, 'label', undefined);
  const x = applyTransform(t, train);
  assert.deepEqual(Array.from(x), [
    // age (20..40)  income  red blue oov
    0, 1000, 1, 0, 0,
    0.5, 0, 0, 1, 0,
    1, 3000, 1, 0, 0,
    0.5, 2000, 0, 0, 1, // age missing → mean 30 → 0.5; color missing → '' → OOV
  ]);
});

test('analyze → JSON → apply gives identical Float32Arrays', () => {
  const features = {
    age: { transform: 'zscore', fill: 'median' },
    income: { transform: 'quantile', buckets: 3 },
    color: { transform: 'vocabulary', oovBuckets: 2, encoding: 'index' },
    city: { transform: 'hash', buckets: 5 },
    member: 'vocabulary',
  } as const;
  const t = analyzeTransform(train, columns, features, 'label', undefined);
  const copy = JSON.parse(JSON.stringify(t)) as FittedTransform;
  const unseen: RawRecord[] = [{ age: 99.123, income: -5, color: 'green', city: 'Berlin', member: null }];
  for (const records of [train, unseen]) assert.deepEqual(applyTransform(copy, records), applyTransform(t, records));
});

test('apply writes into a given buffer, zeroing what it overwrites', () => {
  const t = analyzeTransform(train, columns, { color: 'vocabulary' }, 'label', undefined);
  const out = new Float32Array(20).fill(7);
  const x = applyTransform(t, train.slice(0, 2), out);
  assert.equal(x.buffer, out.buffer);
  assert.deepEqual(Array.from(out), [1, 0, 0, 0, 1, 0, ...Array(14).fill(7)]);
  assert.throws(() => applyTransform(t, train, new Float32Array(3)), /holds 3 floats, 12 are needed/);
});

test('a wrong type names the instance index and the field', () => {
  const t = analyzeTransform(train, columns, { age: 'zscore', color: 'vocabulary' }, 'label', undefined);
  assert.throws(
    () => applyTransform(t, [{ age: 1, color: 'red' }, { age: 'old', color: 'red' }]),
    (err: unknown) =>
      err instanceof InstanceError &&
      err.index === 1 &&
      err.field === 'age' &&
      err.message === "instance 1: field 'age': expected a number (or a boolean, read as 1 or 0), got string 'old'",
  );
  assert.throws(() => applyTransform(t, [{ age: 1, color: { nested: true } as never }]), /instance 0: field 'color': expected a string, number or boolean, got an object/);
});

test('validateInstances: an absent feature field is an error (null is a missing value and is filled); extra fields are ignored', () => {
  const t = analyzeTransform(train, columns, { age: 'zscore', color: 'vocabulary' }, 'label', undefined);
  validateInstances(t, [{ age: null, color: 'red', key: 'k1' }]);
  assert.throws(() => validateInstances(t, [{ age: 1, color: 'red' }, { colour: 'red', age: 2 }]), /^InstanceError: instance 1: field 'color': missing \(send null for an unknown value\)$/);
  assert.throws(() => validateInstances(t, [{ age: [1] as never, color: 'red' }]), /instance 0: field 'age': expected a number/);
  // A column named like an Object.prototype member is not "present" just because objects inherit it.
  const odd = analyzeTransform([{ constructor: 1, y: 1 }, { constructor: 2, y: 2 }], inferColumns([{ constructor: 1, y: 1 }]), undefined, 'y', undefined);
  assert.deepEqual(Array.from(applyTransform(odd, [{ y: 3 }])), [0]);
  assert.throws(() => validateInstances(odd, [{ y: 3 }]), /field 'constructor': missing/);
});

test('analyze errors point at the features key, with the column and an example value', () => {
  assert.throws(
    () => analyzeTransform(train, columns, { 'c*': 'zscore' }, 'label', undefined),
    (err: unknown) => err instanceof TransformError && err.path === 'features.c*' && /'zscore' needs numbers, but column 'color' holds string 'red'/.test(err.message),
  );
  assert.throws(() => analyzeTransform(train, columns, { age: { transform: 'vocabulary', buckets: 3 } }, 'label', undefined), /did you mean 'oovBuckets'/);
  assert.throws(() => analyzeTransform(train, columns, { '*': 'drop' }, 'label', undefined), /^TransformError: features: no features/);
});

test('describe: one line per feature, the width, and the label', () => {
  const t = analyzeTransform(train, columns, { age: 'minmax', color: 'vocabulary', city: { transform: 'hash', buckets: 4 } }, 'label', undefined);
  assert.deepEqual(
    summarizeTransform(t).map((s) => [s.column, s.transform, s.width]),
    [
      ['age', 'minmax', 1],
      ['color', 'vocabulary', 3],
      ['city', 'hash', 4],
    ],
  );
  assert.equal(
    describeTransform(t),
    [
      'column  transform   width  details',
      'age     minmax      1      min 20, max 40, fill 30',
      "color   vocabulary  3      ['red', 'blue'] + 1 OOV, fill '', onehot",
      "city    hash        4      4 buckets, fill '', onehot",
      'input width: 8',
      'label: label (classification, 2 classes: no, yes)',
    ].join('\n'),
  );
});
