import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParamInfo, TrialRow } from '../../../src/protocol/webviewProtocol';
import { categoriesOf, parseTextFilter, queryTrials, sortTrials, type TrialFilter } from '../../../src/webview/study/trialQuery';

const params: ParamInfo[] = [
  { name: 'lr', type: 'DOUBLE', min: 0.0001, max: 0.1 },
  { name: 'opt', type: 'CATEGORICAL', values: ['adam', 'sgd'] },
];
const trial = (id: number, state: TrialRow['state'], lr: number, opt: string, objective?: number, extra: Partial<TrialRow> = {}): TrialRow => ({
  trialId: String(id),
  state,
  parameters: { lr, opt },
  objective,
  stoppedEarly: false,
  runId: `run-${id}`,
  ...extra,
});
const trials = [
  trial(1, 'completed', 0.01, 'adam', 0.8),
  trial(2, 'completed', 0.001, 'sgd', 0.9),
  trial(10, 'running', 0.05, 'adam', undefined, { lastValue: 0.5, step: 3 }),
  trial(3, 'failed', 0.02, 'sgd', undefined, { error: 'NaN loss' }),
  trial(4, 'stopped', 0.03, 'adam', 0.7, { stoppedEarly: true }),
];
const none: TrialFilter = { states: [], text: '', brush: {} };
const cats = categoriesOf(params, trials);
const ids = (rows: TrialRow[]) => rows.map((t) => t.trialId);

describe('trial table query', () => {
  it('sorts trial ids numerically, not as text', () => {
    assert.deepEqual(ids(sortTrials(trials, { key: 'id', dir: 'asc' })), ['1', '2', '3', '4', '10']);
    assert.deepEqual(ids(sortTrials(trials, { key: 'id', dir: 'desc' })), ['10', '4', '3', '2', '1']);
  });

  it('sorts by objective with running values, and trials without one last in both directions', () => {
    assert.deepEqual(ids(sortTrials(trials, { key: 'objective', dir: 'desc' })), ['2', '1', '4', '10', '3']);
    assert.deepEqual(ids(sortTrials(trials, { key: 'objective', dir: 'asc' })), ['10', '4', '1', '2', '3']);
  });

  it('sorts by a hyperparameter, numeric and categorical, ties by trial number', () => {
    assert.deepEqual(ids(sortTrials(trials, { key: 'p:lr', dir: 'asc' })), ['2', '1', '3', '4', '10']);
    assert.deepEqual(ids(sortTrials(trials, { key: 'p:opt', dir: 'asc' })), ['1', '4', '10', '2', '3']);
  });

  it('filters by state', () => {
    assert.deepEqual(ids(queryTrials(trials, { ...none, states: ['completed', 'stopped'] }, { key: 'id', dir: 'asc' }, cats)), ['1', '2', '4']);
    // All states selected is the same as none.
    assert.equal(queryTrials(trials, { ...none, states: ['queued', 'running', 'completed', 'stopped', 'failed'] }, { key: 'id', dir: 'asc' }, cats).length, 5);
  });

  it('filters by text words (all must match) and comparisons', () => {
    const q = (text: string) => ids(queryTrials(trials, { ...none, text }, { key: 'id', dir: 'asc' }, cats));
    assert.deepEqual(q('sgd'), ['2', '3']);
    assert.deepEqual(q('sgd failed'), ['3']);
    assert.deepEqual(q('nan'), ['3']);
    assert.deepEqual(q('early'), ['4']);
    assert.deepEqual(q('#10'), ['10']);
    assert.deepEqual(q('lr<0.02'), ['1', '2']);
    assert.deepEqual(q('objective>=0.8'), ['1', '2']);
    assert.deepEqual(q('opt=adam lr>0.02'), ['4', '10']);
    assert.deepEqual(q('missing>1'), []);
    assert.deepEqual(parseTextFilter(' A  lr<=1 '), { words: ['a'], comparisons: [{ dim: 'lr', op: '<=', value: '1' }] });
  });

  it('filters by brushed intervals, categorical axes by category index, several axes and intervals', () => {
    const q = (brush: TrialFilter['brush']) => ids(queryTrials(trials, { ...none, brush }, { key: 'id', dir: 'asc' }, cats));
    assert.deepEqual(q({ objective: [[0.75, 1]] }), ['1', '2']);
    assert.deepEqual(q({ opt: [[0.5, 1.5]] }), ['2', '3']);
    assert.deepEqual(q({ opt: [[-0.5, 0.5]], objective: [[0, 0.75]] }), ['4', '10']);
    assert.deepEqual(q({ lr: [[0, 0.005], [0.04, 0.06]] }), ['2', '10']);
    // Reversed intervals and an axis without intervals do not exclude.
    assert.deepEqual(q({ lr: [[0.005, 0]], objective: [] }), ['2']);
  });

  it('takes categories from the spec, or from the values seen', () => {
    assert.deepEqual(cats.get('opt'), ['adam', 'sgd']);
    const open = categoriesOf([{ name: 'opt', type: 'CATEGORICAL' }], trials);
    assert.deepEqual(open.get('opt'), ['adam', 'sgd']);
    assert.equal(open.has('lr'), false);
  });
});
