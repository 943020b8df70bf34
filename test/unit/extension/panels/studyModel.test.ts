/**
 * The study model against the runtime's own output: a real tuning study's trials.jsonl, replayed, gives
 * the rows the runtime's replay gives; its live notifications (the CLI's --json stream carries the same
 * objects as the protocol) give the same rows again.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import type { StudyMeasurementParams, StudyStateParams, StudySuggestionParams, TrialStateParams } from '../../../../src/protocol/runtimeProtocol';
import { readStudyRecord, TRIALS_FILE } from '../../../../src/runtime/tune/studyRecord';
import { readTrialEntries, replayTrials } from '../../../../src/runtime/tune/trialLog';
import { headerFromRecord, StudyModel } from '../../../../src/extension/panels/studyModel';
import { irisWorkspace, REPO } from './labFixture';

let workspace: string;
let studyDir: string;
let stream: ({ type: string } & Record<string, unknown>)[];

before(() => {
  workspace = irisWorkspace();
  const out = spawnSync(process.execPath, [join(REPO, 'bin/model-lab.js'), 'tune', join(workspace, 'modellab.yaml'), '--set', 'training.epochs=4', '--seed', '3', '--json'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  stream = out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const result = stream.find((m) => m.type === 'result') as unknown as { studyDir: string };
  studyDir = result.studyDir;
});
after(() => rmSync(workspace, { recursive: true, force: true }));

function fromFiles(): StudyModel {
  const model = new StudyModel(headerFromRecord(readStudyRecord(studyDir), studyDir, false));
  for (const entry of readTrialEntries(join(studyDir, TRIALS_FILE))) model.applyEntry(entry);
  return model;
}

test('replaying trials.jsonl gives the runtime replay’s trials: state, objective, run, parameters, times', () => {
  const model = fromFiles();
  const expected = replayTrials(readTrialEntries(join(studyDir, TRIALS_FILE)));
  assert.equal(model.size, expected.length);
  assert.ok(expected.length >= 8);
  for (const t of expected) {
    const row = model.row(t.trialId);
    assert.ok(row, `trial ${t.trialId}`);
    assert.equal(row.state, t.state.toLowerCase());
    assert.equal(row.objective, t.objective);
    assert.equal(row.runId, t.runId);
    assert.deepEqual(row.parameters, t.parameters);
    assert.equal(row.startTime, t.startTime);
    assert.equal(row.endTime, t.endTime);
    assert.ok(row.durationSeconds !== undefined && row.durationSeconds >= 0);
  }
  const record = readStudyRecord(studyDir);
  assert.deepEqual(model.header.best, record.best, 'the best trial found from the rows is the one study.json names');
  assert.equal(model.header.state, 'SUCCEEDED');
  assert.equal(model.header.interrupted, false);
  assert.deepEqual(model.header.params.map((p) => [p.name, p.type, p.scale]), [
    ['learning_rate', 'DOUBLE', 'UNIT_LOG_SCALE'],
    ['hidden_units', 'INTEGER', 'UNIT_LINEAR_SCALE'],
  ]);
});

test('the live notifications give the same rows as the files, and each apply returns the row it changed', () => {
  const files = fromFiles();
  const record = readStudyRecord(studyDir);
  // Before any notification the panel knows only study.json's first state.
  const live = new StudyModel({ ...headerFromRecord(record, studyDir, true), best: undefined, state: 'RUNNING' });
  let changes = 0;
  for (const m of stream) {
    if (m.type === 'study') live.applyState(m as unknown as StudyStateParams);
    else if (m.type === 'suggestion') changes += live.applySuggestion((m as unknown as StudySuggestionParams).trials).length;
    else if (m.type === 'trialState') changes += live.applyTrialState(m as unknown as TrialStateParams) ? 1 : 0;
    else if (m.type === 'measurement') {
      const row = live.applyMeasurement(m as unknown as StudyMeasurementParams);
      assert.ok(row, 'a measurement of a running trial changes its row');
      assert.equal(row.lastValue, (m as unknown as StudyMeasurementParams).value);
      changes++;
    }
  }
  assert.ok(changes > files.size * 2);
  assert.equal(live.header.state, 'SUCCEEDED');
  assert.deepEqual(live.header.best, record.best);
  for (const row of files.trials()) {
    const l = live.row(row.trialId);
    assert.ok(l);
    assert.deepEqual([l.state, l.objective, l.runId, l.parameters, l.stoppedEarly], [row.state, row.objective, row.runId, row.parameters, row.stoppedEarly]);
  }
});

test('replaying entries again after live notifications changes nothing (the switch back to the files converges)', () => {
  const model = fromFiles();
  const before = JSON.stringify(model.trials());
  for (const entry of readTrialEntries(join(studyDir, TRIALS_FILE))) assert.equal(model.applyEntry(entry), undefined);
  assert.equal(JSON.stringify(model.trials()), before);
});
