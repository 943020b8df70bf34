import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HyperparameterSpec } from '../../../src/runtime/spec/jobSpec';
import {
  checkHyperparameterValues,
  checkPlaceholderNames,
  defaultHyperparameterValues,
  findPlaceholders,
  resolvePlaceholders,
} from '../../../src/runtime/spec/placeholders';

describe('defaultHyperparameterValues (plain, untuned training)', () => {
  it('takes the middle of each range', () => {
    const spec: HyperparameterSpec = {
      params: [
        { parameterName: 'dropout', type: 'DOUBLE', minValue: 0.1, maxValue: 0.5 },
        { parameterName: 'lr', type: 'DOUBLE', minValue: 1e-4, maxValue: 1e-2, scaleType: 'UNIT_LOG_SCALE' },
        { parameterName: 'momentum', type: 'DOUBLE', minValue: 0.9, maxValue: 0.999, scaleType: 'UNIT_REVERSE_LOG_SCALE' },
        { parameterName: 'units', type: 'INTEGER', minValue: 8, maxValue: 127 },
        { parameterName: 'layers', type: 'INTEGER', minValue: 1, maxValue: 100, scaleType: 'UNIT_LOG_SCALE' },
        { parameterName: 'batch', type: 'DISCRETE', discreteValues: [16, 32, 64, 128] },
        { parameterName: 'odd', type: 'DISCRETE', discreteValues: [1, 2, 3] },
        { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', 'tanh'] },
      ],
    };
    const values = defaultHyperparameterValues(spec);
    assert.ok(Math.abs(Number(values.dropout) - 0.3) < 1e-12);
    assert.ok(Math.abs(Number(values.lr) - 1e-3) < 1e-15, 'geometric midpoint on a log scale');
    assert.ok(Math.abs(Number(values.momentum) - (0.9 + 0.999 - Math.sqrt(0.9 * 0.999))) < 1e-12, 'mirrored on a reverse log scale');
    assert.equal(values.units, 68);
    assert.equal(values.layers, 10);
    assert.equal(values.batch, 32);
    assert.equal(values.odd, 2);
    assert.equal(values.act, 'relu');
  });
});

describe('checkHyperparameterValues (values given explicitly)', () => {
  const spec: HyperparameterSpec = {
    params: [
      { parameterName: 'lr', type: 'DOUBLE', minValue: 1e-4, maxValue: 0.1 },
      { parameterName: 'units', type: 'INTEGER', minValue: 8, maxValue: 64 },
      { parameterName: 'batch', type: 'DISCRETE', discreteValues: [16, 32, 0.1] },
      { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', '1'] },
    ],
  };

  it('accepts fitting values, converting strings (a CloudML trial sends map<string,string>)', () => {
    const { values, problems } = checkHyperparameterValues(spec, { lr: '0.01', units: 8, batch: '32', act: 1 });
    assert.deepEqual(problems, []);
    assert.deepEqual(values, { lr: 0.01, units: 8, batch: 32, act: '1' });
  });

  it('explains each value that does not fit', () => {
    const { problems } = checkHyperparameterValues(spec, { lr: 1, units: 8.5, batch: 33, act: 'gelu', lr2: 1, nope: 'x' });
    assert.deepEqual(problems.map((p) => p.message), [
      "hyperparameter 'lr' = 1 is outside its range [0.0001, 0.1]",
      "hyperparameter 'units' = 8.5 must be a whole number for an INTEGER parameter",
      "hyperparameter 'batch' = 33 is not one of its discreteValues (16, 32, 0.1)",
      "hyperparameter 'act' = \"gelu\" is not one of its categoricalValues ('relu', '1')",
      "a value was given for 'lr2', but no hyperparameters.params entry has that parameterName",
      "a value was given for 'nope', but no hyperparameters.params entry has that parameterName",
    ]);
    assert.equal(problems[4].suggestion, 'lr');
    assert.equal(problems[5].suggestion, undefined);
    assert.match(checkHyperparameterValues(spec, { lr: 'fast' }).problems[0].message, /must be a number for a DOUBLE parameter/);
  });
});

describe('placeholders', () => {
  const spec = {
    name: 'run-{{units}}-{{ act }}',
    model: { layers: [{ type: 'dense', units: '{{units}}', activation: '{{act}}' }] },
    training: { optimizer: { type: 'adam', learningRate: '{{ lr }}' } },
    hyperparameters: { hyperparameterMetricTag: '{{units}}', params: [] },
  };

  it('finds every use, outside the hyperparameters section', () => {
    const { uses, problems } = findPlaceholders(spec);
    assert.deepEqual(problems, []);
    assert.deepEqual(uses.map((u) => [u.path.join('.'), u.name]), [
      ['name', 'units'],
      ['name', 'act'],
      ['model.layers.0.units', 'units'],
      ['model.layers.0.activation', 'act'],
      ['training.optimizer.learningRate', 'lr'],
    ]);
  });

  it('substitutes typed values for lone placeholders and text inside strings', () => {
    const { spec: resolved, substitutions } = resolvePlaceholders(spec, { units: 64, act: 'relu', lr: 0.001 });
    assert.deepEqual(resolved, {
      name: 'run-64-relu',
      model: { layers: [{ type: 'dense', units: 64, activation: 'relu' }] },
      training: { optimizer: { type: 'adam', learningRate: 0.001 } },
      hyperparameters: { hyperparameterMetricTag: '{{units}}', params: [] },
    });
    assert.equal(substitutions.length, 4);
    assert.equal(spec.model.layers[0].units, '{{units}}', 'the input is left as it was');
  });

  it('names unknown placeholders, with the closest parameter', () => {
    const problems = checkPlaceholderNames(findPlaceholders(spec).uses, ['units', 'activation', 'learning_rate']);
    assert.deepEqual(problems.map((p) => [p.path.join('.'), p.suggestion]), [
      ['name', 'activation'],
      ['model.layers.0.activation', 'activation'],
      ['training.optimizer.learningRate', undefined],
    ]);
    const typo = checkPlaceholderNames([{ path: ['x'], name: 'unit' }], ['units']);
    assert.equal(typo[0].suggestion, 'units');
  });

  it('flags {{…}} that is not a valid placeholder', () => {
    const { problems } = findPlaceholders({ a: 'x {{ two words }} y', b: '{{}}', c: '{ {fine} }' });
    assert.deepEqual(problems.map((p) => p.path.join('.')), ['a', 'b']);
  });
});
