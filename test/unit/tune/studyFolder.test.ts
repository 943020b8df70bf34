/** study.json + trials.jsonl: replay, torn lines, resume of interrupted trials, the trainingOutput shape. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunFolder } from '../../../src/runtime/runs/runFolder';
import { readRunRecord } from '../../../src/runtime/runs/runRecord';
import type { HyperparameterSpec } from '../../../src/runtime/spec/jobSpec';
import { listStudies, MAX_ATTEMPTS, StudyFolder, trialRunId } from '../../../src/runtime/tune/studyFolder';
import { readStudyRecord } from '../../../src/runtime/tune/studyRecord';
import { buildTrainingOutput } from '../../../src/runtime/tune/trainingOutput';

const spec: HyperparameterSpec = {
  goal: 'MAXIMIZE',
  hyperparameterMetricTag: 'val_accuracy',
  maxTrials: 4,
  maxParallelTrials: 2,
  params: [
    { parameterName: 'lr', type: 'DOUBLE', minValue: 0.001, maxValue: 0.1 },
    { parameterName: 'units', type: 'INTEGER', minValue: 8, maxValue: 64 },
  ],
};

function newStudy(ws = mkdtempSync(join(tmpdir(), 'ml-study-')), studyId = 'demo-1', goal: HyperparameterSpec['goal'] = 'MAXIMIZE') {
  const folder = StudyFolder.create(ws, {
    studyId,
    name: 'demo',
    kind: 'spec',
    specFile: '/x/modellab.yaml',
    overrides: ['training.epochs=3'],
    hyperparameters: { ...spec, goal },
    algorithm: 'RANDOM_SEARCH',
    seed: 7,
    settings: { parallel: 2, maxFailedTrials: 3, earlyStopping: false },
  });
  return { ws, folder };
}

const now = () => new Date().toISOString();

/** Trial `id` created, started, measured at `values`, finished COMPLETED with the last value. */
function completeTrial(folder: StudyFolder, id: string, parameters: Record<string, number>, values: number[]) {
  const runId = trialRunId(folder.state.studyId, id, 1);
  folder.append({ type: 'created', trialId: id, parameters, runId, time: now() });
  folder.append({ type: 'started', trialId: id, runId, attempt: 1, time: now() });
  values.forEach((value, i) => folder.append({ type: 'measurement', trialId: id, step: i + 1, value, time: now() }));
  folder.append({ type: 'finished', trialId: id, state: 'COMPLETED', objective: values.at(-1), step: values.length, stoppedEarly: false, time: now() });
}

test('a study is rebuilt from its files: trials, measurements, counters, best', () => {
  const { ws, folder } = newStudy();
  completeTrial(folder, '1', { lr: 0.01, units: 16 }, [0.5, 0.7]);
  completeTrial(folder, '2', { lr: 0.05, units: 32 }, [0.6, 0.9]);
  folder.append({ type: 'created', trialId: '3', parameters: { lr: 0.002, units: 8 }, runId: 'demo-1-t3', time: now() });
  folder.append({ type: 'started', trialId: '3', runId: 'demo-1-t3', attempt: 1, time: now() });
  folder.append({ type: 'finished', trialId: '3', state: 'FAILED', stoppedEarly: false, error: 'boom', time: now() });

  const again = StudyFolder.open(ws, 'demo-1');
  assert.deepEqual(again.trials.map((t) => [t.trialId, t.state, t.objective]), [['1', 'COMPLETED', 0.7], ['2', 'COMPLETED', 0.9], ['3', 'FAILED', undefined]]);
  assert.deepEqual(again.trial('2')!.measurements, [{ step: 1, value: 0.6 }, { step: 2, value: 0.9 }]);
  assert.equal(again.trial('3')!.error, 'boom');
  assert.deepEqual(again.state.counts, { completed: 2, stopped: 0, failed: 1, active: 0 });
  assert.deepEqual(again.state.best, { trialId: '2', objective: 0.9 });
  assert.equal(again.nextTrialId(), '4');
  // study.json was kept up to date as well (rewritten atomically at each change).
  const record = readStudyRecord(folder.dir);
  assert.equal(record.trialCounter, 3);
  assert.equal(record.seed, 7);
  assert.equal(record.algorithm, 'RANDOM_SEARCH');
  assert.deepEqual(listStudies(ws).map((s) => s.studyId), ['demo-1']);
});

test('a torn last line of trials.jsonl is skipped', () => {
  const { ws, folder } = newStudy();
  completeTrial(folder, '1', { lr: 0.01, units: 16 }, [0.5]);
  appendFileSync(folder.trialsFile, '{"type":"created","trialId":"2","param');
  const again = StudyFolder.open(ws, 'demo-1');
  assert.deepEqual(again.trials.map((t) => t.trialId), ['1']);
  assert.equal(again.nextTrialId(), '2');
});

test('resume: a trial that was running is re-queued as a new run, its old run marked failed; finished trials are untouched', () => {
  const { ws, folder } = newStudy();
  completeTrial(folder, '1', { lr: 0.01, units: 16 }, [0.5, 0.7]);
  // Trial 2 was running when the process died: its run folder says "running" with a dead pid.
  RunFolder.create(ws, { runId: 'demo-1-t2', name: 'demo', specFile: '/x', hyperparameters: {}, seed: 1 });
  folder.append({ type: 'created', trialId: '2', parameters: { lr: 0.02, units: 20 }, runId: 'demo-1-t2', time: now() });
  folder.append({ type: 'started', trialId: '2', runId: 'demo-1-t2', attempt: 1, time: now() });
  folder.append({ type: 'measurement', trialId: '2', step: 1, value: 0.4, time: now() });
  // Trial 3 was suggested but never started.
  folder.append({ type: 'created', trialId: '3', parameters: { lr: 0.03, units: 30 }, runId: 'demo-1-t3', time: now() });

  const resumed = StudyFolder.open(ws, 'demo-1');
  const recovered = resumed.resume(ws);
  assert.deepEqual(recovered, [{ trialId: '2', action: 'requeued', previousRunId: 'demo-1-t2', runId: 'demo-1-t2-a2' }]);
  assert.equal(readRunRecord(join(ws, '.modellab/runs/demo-1-t2')).status, 'failed');
  const t2 = resumed.trial('2')!;
  assert.equal(t2.state, 'ACTIVE');
  assert.equal(t2.queued, true);
  assert.equal(t2.runId, 'demo-1-t2-a2');
  assert.deepEqual(t2.previousRunIds, ['demo-1-t2']);
  assert.deepEqual(t2.measurements, []);
  assert.equal(resumed.trial('3')!.queued, true);
  assert.equal(resumed.trial('1')!.state, 'COMPLETED');
  assert.equal(resumed.state.state, 'RUNNING');
  assert.equal(resumed.state.resumedAt?.length, 1);
  // The same story read back from the files.
  const reread = StudyFolder.open(ws, 'demo-1');
  assert.equal(reread.trial('2')!.runId, 'demo-1-t2-a2');
  assert.match(readFileSync(reread.trialsFile, 'utf8'), /"type":"requeued"/);
});

test(`resume: a trial interrupted ${MAX_ATTEMPTS} times is FAILED rather than re-queued again`, () => {
  const { ws, folder } = newStudy();
  folder.append({ type: 'created', trialId: '1', parameters: { lr: 0.01, units: 8 }, runId: 'demo-1-t1', time: now() });
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const runId = trialRunId('demo-1', '1', attempt);
    folder.append({ type: 'started', trialId: '1', runId, attempt, time: now() });
    // Each session re-opens the folder from its files, as a new process would.
    if (attempt < MAX_ATTEMPTS) StudyFolder.open(ws, 'demo-1').resume(ws);
    else {
      const last = StudyFolder.open(ws, 'demo-1');
      assert.deepEqual(last.resume(ws).map((r) => r.action), ['failed']);
      assert.equal(last.trial('1')!.state, 'FAILED');
      assert.match(last.trial('1')!.error!, /3 times/);
    }
  }
});

test('resume refuses a study another live process is running', () => {
  const { ws, folder } = newStudy();
  folder.update({ pid: process.ppid });
  assert.throws(() => StudyFolder.open(ws, 'demo-1').resume(ws), /is running in process/);
});

test("trainingOutput: Cloud's shape, strings where the API has strings, best first by the goal", () => {
  for (const goal of ['MAXIMIZE', 'MINIMIZE'] as const) {
    const { folder } = newStudy(undefined, `demo-${goal}`, goal);
    completeTrial(folder, '1', { lr: 0.01, units: 16 }, [0.5, 0.7]);
    completeTrial(folder, '2', { lr: 0.05, units: 32 }, [0.6, 0.9]);
    folder.append({ type: 'created', trialId: '3', parameters: { lr: 0.002, units: 8 }, runId: 'x-t3', time: now() });
    folder.append({ type: 'started', trialId: '3', runId: 'x-t3', attempt: 1, time: now() });
    folder.append({ type: 'measurement', trialId: '3', step: 1, value: 0.2, time: now() });
    folder.append({ type: 'finished', trialId: '3', state: 'STOPPED', objective: 0.2, step: 1, stoppedEarly: true, time: now() });
    folder.append({ type: 'created', trialId: '4', parameters: { lr: 0.003, units: 9 }, runId: 'x-t4', time: now() });
    folder.append({ type: 'finished', trialId: '4', state: 'FAILED', stoppedEarly: false, error: 'crash', time: now() });

    const out = buildTrainingOutput(folder.state, folder.trials);
    assert.equal(out.completedTrialCount, '3');
    assert.equal(out.isHyperparameterTuningJob, true);
    assert.equal(out.hyperparameterMetricTag, 'val_accuracy');
    assert.deepEqual(out.trials.map((t) => t.trialId), goal === 'MAXIMIZE' ? ['2', '1', '3', '4'] : ['3', '1', '2', '4']);
    const t2 = out.trials.find((t) => t.trialId === '2')!;
    assert.deepEqual(t2.hyperparameters, { lr: '0.05', units: '32' });
    assert.deepEqual(t2.finalMetric, { trainingStep: '2', objectiveValue: 0.9 });
    assert.equal(t2.state, 'SUCCEEDED');
    assert.equal(t2.isTrialStoppedEarly, false);
    assert.equal(t2.runId, 'demo-' + goal + '-t2');
    assert.ok(t2.startTime && t2.endTime && t2.durationSeconds !== undefined);
    const t3 = out.trials.find((t) => t.trialId === '3')!;
    assert.equal(t3.isTrialStoppedEarly, true);
    assert.equal(t3.state, 'SUCCEEDED');
    const t4 = out.trials.find((t) => t.trialId === '4')!;
    assert.equal(t4.state, 'FAILED');
    assert.equal(t4.finalMetric, undefined);
    assert.equal(t4.error, 'crash');
  }
});
