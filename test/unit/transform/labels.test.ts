import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferColumns } from '../../../src/runtime/data/inferColumns';
import type { RawRecord } from '../../../src/runtime/data/records';
import { analyzeTransform } from '../../../src/runtime/transform/analyze';
import { decodeOutputs, encodeLabelIndices, encodeLabels } from '../../../src/runtime/transform/apply';
import { sortClasses } from '../../../src/runtime/transform/labels';

// Every record gets a feature column x: the transform needs at least one feature.
const fitted = (records: RawRecord[], task?: 'classification' | 'regression') => {
  const withX = records.map((r, i) => ({ x: i, ...r }));
  return analyzeTransform(withX, inferColumns(withX), undefined, 'y', task);
};

test('task inference: numbers → regression, text and booleans → classification', () => {
  assert.equal(fitted([{ y: 1 }, { y: 2 }]).label.task, 'regression');
  assert.equal(fitted([{ y: 'a' }, { y: 'b' }]).label.task, 'classification');
  assert.deepEqual(fitted([{ y: true }, { y: false }]).label, { column: 'y', task: 'classification', classes: ['false', 'true'] });
  assert.deepEqual(fitted([{ y: 1 }, { y: 0 }], 'classification').label, { column: 'y', task: 'classification', classes: ['0', '1'] });
});

test('classes sort numerically when they all look numeric, else by code unit', () => {
  assert.deepEqual(sortClasses(['10', '2', '1', '-3', '2.5']), ['-3', '1', '2', '2.5', '10']);
  assert.deepEqual(sortClasses(['b', 'B', 'a', '10', '2']), ['10', '2', 'B', 'a', 'b']);
  assert.deepEqual(fitted([{ y: '10' }, { y: '2' }, { y: '9' }]).label, { column: 'y', task: 'classification', classes: ['2', '9', '10'] });
});

test('classification needs two classes; regression needs numbers', () => {
  assert.throws(() => fitted([{ y: 'a' }, { y: 'a' }]), /at least two classes.*only 'a'/);
  assert.throws(() => fitted([{ y: 'a' }, { y: 'b' }], 'regression'), /regression needs a numeric label, but record 0 has string 'a'.*data.task: classification/);
});

test('encodeLabels: one-hot rows for classification; an unknown class is an error naming it', () => {
  const t = fitted([{ y: 'cat' }, { y: 'dog' }, { y: 'emu' }]);
  assert.deepEqual(Array.from(encodeLabels(t, [{ y: 'dog' }, { y: 'cat' }])), [0, 1, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(encodeLabelIndices(t, [{ y: 'emu' }, { y: 'cat' }])), [2, 0]);
  assert.throws(() => encodeLabels(t, [{ y: 'cat' }, { y: 'gnu' }]), /record 1: class 'gnu' of the label 'y' is not among the classes seen in the training split \(cat, dog, emu\)/);
  assert.throws(() => encodeLabels(t, [{ y: null }]), /record 0 has no value for the label 'y'/);
});

test('encodeLabels: raw values for regression (numeric text accepted)', () => {
  const t = fitted([{ y: 1.5 }, { y: 2 }]);
  assert.deepEqual(Array.from(encodeLabels(t, [{ y: 1.5 }, { y: '4' }])), [1.5, 4]);
});

test('decodeOutputs: Cloud ML-style predictions', () => {
  const c = fitted([{ y: 'cat' }, { y: 'dog' }, { y: 'emu' }]);
  assert.deepEqual(decodeOutputs(c, Float32Array.from([0.25, 0.5, 0.25, 1, 0, 0]), 2), [
    { label: 'dog', classes: ['cat', 'dog', 'emu'], probabilities: [0.25, 0.5, 0.25] },
    { label: 'cat', classes: ['cat', 'dog', 'emu'], probabilities: [1, 0, 0] },
  ]);
  const binary = fitted([{ y: 'no' }, { y: 'yes' }]);
  assert.deepEqual(decodeOutputs(binary, Float32Array.from([0.75]), 1), [{ label: 'yes', classes: ['no', 'yes'], probabilities: [0.25, 0.75] }]);
  const r = fitted([{ y: 1 }, { y: 2 }]);
  assert.deepEqual(decodeOutputs(r, Float32Array.from([3.5, -1]), 2), [{ value: 3.5 }, { value: -1 }]);
  assert.throws(() => decodeOutputs(c, new Float32Array(4), 2), /outputs 2 values per instance, but there are 3 classes/);
  assert.deepEqual(decodeOutputs(c, new Float32Array(0), 0), []);
});
