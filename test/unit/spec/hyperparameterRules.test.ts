import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HyperparameterRule, checkHyperparameterRules } from '../../../src/runtime/spec/hyperparameterRules';
import type { HyperparameterSpec, ParameterSpec } from '../../../src/runtime/spec/jobSpec';
import { problemAt, problemsOf, withHyperparameters } from './specTestUtils';

const double: ParameterSpec = { parameterName: 'lr', type: 'DOUBLE', minValue: 0.001, maxValue: 0.1 };

function violations(spec: Partial<HyperparameterSpec>): [HyperparameterRule, string][] {
  return checkHyperparameterRules({ params: [double], ...spec }).map((v) => [v.rule, v.path.join('.')]);
}

function violationsOf(...params: ParameterSpec[]): [HyperparameterRule, string][] {
  return violations({ params });
}

describe('hyperparameter rules (Cloud ML Engine HyperparameterSpec)', () => {
  it('accepts a valid spec of every parameter type', () => {
    assert.deepEqual(violationsOf(
      { parameterName: 'lr', type: 'DOUBLE', minValue: 1e-4, maxValue: 0.1, scaleType: 'UNIT_LOG_SCALE' },
      { parameterName: 'units', type: 'INTEGER', minValue: 8, maxValue: 128, scaleType: 'UNIT_LINEAR_SCALE' },
      { parameterName: 'act', type: 'CATEGORICAL', categoricalValues: ['relu', 'tanh'] },
      { parameterName: 'batch', type: 'DISCRETE', discreteValues: [16, 32, 64], scaleType: 'UNIT_REVERSE_LOG_SCALE' },
    ), []);
  });

  it('unique-parameter-name', () => {
    assert.deepEqual(violationsOf(double, { ...double }), [['unique-parameter-name', 'hyperparameters.params.1.parameterName']]);
  });

  it('parameter-name-format: a trial gets --name=value, so no spaces or =', () => {
    assert.deepEqual(violationsOf({ ...double, parameterName: 'learning rate' }), [['parameter-name-format', 'hyperparameters.params.0.parameterName']]);
  });

  it('parameter-type-specified: PARAMETER_TYPE_UNSPECIFIED is an error', () => {
    assert.deepEqual(violationsOf({ parameterName: 'x', type: 'PARAMETER_TYPE_UNSPECIFIED' }), [['parameter-type-specified', 'hyperparameters.params.0.type']]);
  });

  it('range-required: DOUBLE and INTEGER need minValue and maxValue', () => {
    assert.deepEqual(violationsOf({ parameterName: 'x', type: 'DOUBLE', maxValue: 1 }), [['range-required', 'hyperparameters.params.0.minValue']]);
    assert.deepEqual(violationsOf({ parameterName: 'x', type: 'INTEGER', minValue: 1 }), [['range-required', 'hyperparameters.params.0.maxValue']]);
  });

  it('range-order: minValue < maxValue', () => {
    assert.deepEqual(violationsOf({ ...double, minValue: 0.1, maxValue: 0.01 }), [['range-order', 'hyperparameters.params.0.maxValue']]);
    assert.deepEqual(violationsOf({ ...double, minValue: 1, maxValue: 1 }), [['range-order', 'hyperparameters.params.0.maxValue']]);
  });

  it('integer-range: INTEGER bounds are whole numbers', () => {
    assert.deepEqual(violationsOf({ parameterName: 'u', type: 'INTEGER', minValue: 1.5, maxValue: 8 }), [['integer-range', 'hyperparameters.params.0.minValue']]);
  });

  it('categorical-values-required, categorical-no-range, categorical-no-scale', () => {
    assert.deepEqual(violationsOf({ parameterName: 'a', type: 'CATEGORICAL', categoricalValues: [] }), [['categorical-values-required', 'hyperparameters.params.0.categoricalValues']]);
    assert.deepEqual(violationsOf({ parameterName: 'a', type: 'CATEGORICAL', categoricalValues: ['x'], minValue: 0, maxValue: 1, scaleType: 'NONE' }), [
      ['categorical-no-range', 'hyperparameters.params.0.minValue'],
      ['categorical-no-range', 'hyperparameters.params.0.maxValue'],
      ['categorical-no-scale', 'hyperparameters.params.0.scaleType'],
    ]);
  });

  it('discrete-values-required, discrete-increasing, discrete-limit', () => {
    assert.deepEqual(violationsOf({ parameterName: 'd', type: 'DISCRETE' }), [['discrete-values-required', 'hyperparameters.params.0.discreteValues']]);
    assert.deepEqual(violationsOf({ parameterName: 'd', type: 'DISCRETE', discreteValues: [1, 2, 2, 3] }), [['discrete-increasing', 'hyperparameters.params.0.discreteValues.2']]);
    assert.deepEqual(violationsOf({ parameterName: 'd', type: 'DISCRETE', discreteValues: [4, 2] }), [['discrete-increasing', 'hyperparameters.params.0.discreteValues.1']]);
    const many = Array.from({ length: 1001 }, (_, i) => i);
    assert.deepEqual(violationsOf({ parameterName: 'd', type: 'DISCRETE', discreteValues: many }), [['discrete-limit', 'hyperparameters.params.0.discreteValues']]);
    assert.deepEqual(violationsOf({ parameterName: 'd', type: 'DISCRETE', discreteValues: many.slice(0, 1000) }), []);
  });

  it('values-match-type: values of another type are a mistyped type', () => {
    assert.deepEqual(violationsOf({ ...double, discreteValues: [1, 2] }), [['values-match-type', 'hyperparameters.params.0.discreteValues']]);
    assert.deepEqual(violationsOf({ ...double, categoricalValues: ['a'] }), [['values-match-type', 'hyperparameters.params.0.categoricalValues']]);
  });

  it('log-scale-positive: log scales need a strictly positive range', () => {
    assert.deepEqual(violationsOf({ ...double, minValue: 0, scaleType: 'UNIT_LOG_SCALE' }), [['log-scale-positive', 'hyperparameters.params.0.minValue']]);
    assert.deepEqual(violationsOf({ ...double, minValue: -1, scaleType: 'UNIT_REVERSE_LOG_SCALE' }), [['log-scale-positive', 'hyperparameters.params.0.minValue']]);
    assert.deepEqual(violationsOf({ parameterName: 'd', type: 'DISCRETE', discreteValues: [0, 1], scaleType: 'UNIT_LOG_SCALE' }), [['log-scale-positive', 'hyperparameters.params.0.discreteValues']]);
    assert.deepEqual(violationsOf({ ...double, minValue: 0, scaleType: 'UNIT_LINEAR_SCALE' }), []);
  });

  it('grid-search-types: GRID_SEARCH forbids DOUBLE parameters', () => {
    assert.deepEqual(violations({ algorithm: 'GRID_SEARCH' }), [['grid-search-types', 'hyperparameters.params.0.type']]);
    assert.deepEqual(violations({ algorithm: 'GRID_SEARCH', params: [{ parameterName: 'u', type: 'INTEGER', minValue: 1, maxValue: 4 }] }), []);
    assert.deepEqual(violations({ algorithm: 'RANDOM_SEARCH' }), []);
  });

  it('max-trials, max-parallel-trials, max-failed-trials, params-required', () => {
    assert.deepEqual(violations({ maxTrials: 0, maxParallelTrials: 0, maxFailedTrials: -1 }), [
      ['max-trials', 'hyperparameters.maxTrials'],
      ['max-parallel-trials', 'hyperparameters.maxParallelTrials'],
      ['max-failed-trials', 'hyperparameters.maxFailedTrials'],
    ]);
    assert.deepEqual(violations({ params: [] }), [['params-required', 'hyperparameters.params']]);
  });

  it('reports rule violations at their position, naming the rule', () => {
    const text = withHyperparameters(`  maxTrials: "0"
  algorithm: GRID_SEARCH
  params:
    - { parameterName: lr, type: DOUBLE, minValue: 0.1, maxValue: 0.01 }
    - { parameterName: lr, type: CATEGORICAL, categoricalValues: [a], scaleType: UNIT_LOG_SCALE }
    - { parameterName: u, type: PARAMETER_TYPE_UNSPECIFIED }
`);
    const problems = problemsOf(text);
    assert.deepEqual(problems.map((p) => [p.path, p.line]), [
      ['hyperparameters.maxTrials', 11],
      ['hyperparameters.params.0.type', 14],
      ['hyperparameters.params.0.maxValue', 14],
      ['hyperparameters.params.1.parameterName', 15],
      ['hyperparameters.params.1.scaleType', 15],
      ['hyperparameters.params.2.type', 16],
    ]);
    const order = problemAt(problems, 'hyperparameters.params.0.maxValue');
    assert.equal(order.message, "'lr': minValue (0.1) must be less than maxValue (0.01) (rule: range-order)");
    assert.equal(order.column, 67);
    assert.match(problemAt(problems, 'hyperparameters.maxTrials').message, /\(rule: max-trials\)$/);
  });

  it('checks the shape before the rules: wrong field types are schema problems', () => {
    const problems = problemsOf(withHyperparameters('  params:\n    - { parameterName: lr, type: DUBLE, minValue: "low", maxValu: 1 }\n'));
    assert.deepEqual(problems.map((p) => [p.path, p.suggestion]), [
      ['hyperparameters.params.0.type', 'DOUBLE'],
      ['hyperparameters.params.0.minValue', undefined],
      ['hyperparameters.params.0.maxValu', 'maxValue'],
    ]);
    assert.match(problems[0].message, /^unknown parameter type 'DUBLE'/);
    assert.equal(problems[1].message, "must be a number, got string 'low'");
  });
});
