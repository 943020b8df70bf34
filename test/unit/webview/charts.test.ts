// Best-so-far, CSV, metric pairing, the stores and the persisted UI state: the panel's DOM-free logic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrialRow } from '../../../src/protocol/webviewProtocol';
import { toCsv } from '../../../src/webview/charts/csv';
import { groupMetrics } from '../../../src/webview/run/metricGroups';
import { RunStore } from '../../../src/webview/run/runStore';
import { bestSoFar, bestTrial } from '../../../src/webview/study/bestSoFar';
import { CurveStore, StudyStore } from '../../../src/webview/study/studyStore';
import { readStudyUi, sameTarget } from '../../../src/webview/uiState';
import { syntheticRun, syntheticStudy } from '../../webview/synthetic';

const t = (id: string, objective?: number, state: TrialRow['state'] = 'completed'): TrialRow => ({ trialId: id, state, parameters: {}, objective, stoppedEarly: false, runId: `run-${id}` });

describe('best objective so far', () => {
  const trials = [t('3', 0.5), t('1', 0.7), t('10', 0.9), t('2', 0.6), t('4', undefined, 'running'), t('5', 0.8)];
  it('follows trial numbers and keeps the best for the goal', () => {
    assert.deepEqual(bestSoFar(trials, 'MAXIMIZE').map((p) => [p.trial, p.best, p.improved]), [[1, 0.7, true], [2, 0.7, false], [3, 0.7, false], [5, 0.8, true], [10, 0.9, true]]);
    assert.deepEqual(bestSoFar(trials, 'MINIMIZE').map((p) => p.best), [0.7, 0.6, 0.5, 0.5, 0.5]);
    assert.equal(bestTrial(trials, 'MINIMIZE')?.trialId, '3');
    assert.equal(bestTrial([], 'MAXIMIZE'), undefined);
  });
});

describe('CSV', () => {
  it('quotes separators, quotes and newlines, leaves numbers and empties plain', () => {
    assert.equal(toCsv(['a', 'b,c'], [[1, 'x"y'], [undefined, 'two\nlines'], [Number.NaN, true]]), 'a,"b,c"\r\n1,"x""y"\r\n,"two\nlines"\r\n,true\r\n');
  });
  it('keeps spreadsheet formulas as text, but not negative numbers', () => {
    assert.equal(toCsv(['v'], [['=SUM(A1)'], ['-3'], [-3], ['@x']]), "v\r\n'=SUM(A1)\r\n-3\r\n-3\r\n'@x\r\n");
  });
});

describe('metric groups', () => {
  it('pairs x with val_x, loss first, lone val_ metrics kept', () => {
    assert.deepEqual(groupMetrics(['val_accuracy', 'accuracy', 'val_loss', 'loss', 'auc', 'val_mae']), [
      { base: 'loss', keys: ['loss', 'val_loss'] },
      { base: 'accuracy', keys: ['accuracy', 'val_accuracy'] },
      { base: 'auc', keys: ['auc'] },
      { base: 'mae', keys: ['val_mae'] },
    ]);
  });
});

describe('stores', () => {
  it('StudyStore upserts trials by id and bumps versions only on change', () => {
    const init = syntheticStudy(20);
    const store = new StudyStore(init.snapshot as Extract<typeof init.snapshot, { kind: 'study' }>);
    const v = store.trialsVersion;
    assert.equal(store.update(undefined, []), false);
    assert.equal(store.trialsVersion, v);
    assert.equal(store.update(undefined, [t('5', 2), t('21', 3)]), true);
    assert.equal(store.trials.size, 21);
    assert.equal(store.trials.get('5')?.objective, 2);
    assert.equal(store.list().length, 21);
    assert.equal(store.best()?.trialId, init.snapshot.kind === 'study' ? init.snapshot.header.best?.trialId : '');
    assert.equal(store.trialByRun('run-21')?.trialId, '21');
  });

  it('StudyStore follows the host live flag (the stop actions depend on it)', () => {
    const init = syntheticStudy(5);
    const store = new StudyStore(init.snapshot as Extract<typeof init.snapshot, { kind: 'study' }>);
    const was = store.live;
    assert.equal(store.update(undefined, undefined, was), false, 'the same flag is no change');
    assert.equal(store.update(undefined, undefined, !was), true);
    assert.equal(store.live, !was);
  });

  it('CurveStore appends only newer steps and drops unsubscribed runs', () => {
    const curves = new CurveStore();
    curves.set([{ runId: 'a', points: [{ step: 1, metrics: { loss: 1 } }] }]);
    curves.append([{ runId: 'a', points: [{ step: 1, metrics: { loss: 9 } }, { step: 2, metrics: { loss: 0.5, acc: 0.1 } }] }, { runId: 'b', points: [{ step: 1, metrics: { loss: 2 } }] }]);
    assert.deepEqual(curves.get('a')?.map((p) => p.metrics.loss), [1, 0.5]);
    assert.deepEqual(curves.metricNames(), ['acc', 'loss']);
    curves.retain(['b']);
    assert.equal(curves.get('a'), undefined);
    assert.equal(curves.get('b')?.length, 1);
  });

  it('RunStore keeps points in step order, replaces re-sent epochs and caps the log', () => {
    const init = syntheticRun(3);
    const run = new RunStore(init.snapshot as Extract<typeof init.snapshot, { kind: 'run' }>);
    run.addPoints([{ step: 5, metrics: { loss: 5 } }, { step: 2, metrics: { loss: 22 } }, { step: 4, metrics: { loss: 4 } }]);
    assert.deepEqual(run.points.map((p) => p.step), [1, 2, 3, 4, 5]);
    assert.equal(run.points[1].metrics.loss, 22);
    run.addLog(Array.from({ length: 1500 }, (_, i) => `line ${i}`));
    assert.equal(run.log.length, 1000);
    assert.equal(run.log.at(-1), 'line 1499');
    assert.deepEqual(run.epochFraction(), { done: 3, total: 20 });
  });
});

describe('persisted UI state', () => {
  it('reads valid choices and ignores malformed ones', () => {
    const ui = readStudyUi({ sort: { key: 'p:lr', dir: 'desc' }, states: ['running', 'bogus'], text: 'sgd', selected: ['1', 2], brush: { lr: [[0, 1]], bad: [[1]] }, scatterParam: 'lr', tab: 'parallel' });
    assert.deepEqual(ui, { sort: { key: 'p:lr', dir: 'desc' }, states: ['running'], text: 'sgd', selected: ['1'], brush: { lr: [[0, 1]] }, scatterParam: 'lr', tab: 'parallel' });
    assert.deepEqual(readStudyUi({ sort: { key: 'id', dir: 'sideways' }, tab: 'nope' }).sort, { key: 'id', dir: 'asc' });
  });
  it('matches targets by kind, workspace and id', () => {
    const a = { kind: 'study' as const, workspace: '/w', studyId: 's' };
    assert.equal(sameTarget(a, { ...a }), true);
    assert.equal(sameTarget(a, { ...a, studyId: 't' }), false);
    assert.equal(sameTarget(a, { kind: 'run', workspace: '/w', runId: 's', runDir: '/x' }), false);
    assert.equal(sameTarget(undefined, a), false);
  });
});
