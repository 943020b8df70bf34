/**
 * The Runs & Studies tree's index on a real workspace: a trained run and a tuning study. Trial runs are
 * listed under their study only; newest first; descriptions; a changed file is read again, others not.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { classify, describeJob, formatDuration, RunsIndex, trialStudyOf } from '../../../../src/extension/views/runsIndex';
import { irisWorkspace, runIds, train, tune } from './labFixture';

let workspace: string;
let runDir: string;
let studyDir: string;
let files: string[];

before(() => {
  workspace = irisWorkspace();
  studyDir = tune(workspace);
  runDir = train(workspace, 6); // after the study: the newest
  const lab = join(workspace, '.modellab');
  files = [
    ...readdirSync(join(lab, 'runs')).map((id) => join(lab, 'runs', id, 'run.json')),
    join(studyDir, 'study.json'),
  ];
});
after(() => rmSync(workspace, { recursive: true, force: true }));

test('paths are classified; trial runs are recognised by the runtime’s naming', () => {
  assert.deepEqual(classify(join(runDir, 'run.json')), { kind: 'run', id: runDir.split('/').pop(), dir: runDir, workspace });
  assert.equal(classify(join(workspace, 'runs', 'x', 'run.json')), undefined);
  assert.equal(classify(join(studyDir, 'trials.jsonl')), undefined);
  assert.equal(trialStudyOf('s1-t12', ['s1']), 's1');
  assert.equal(trialStudyOf('s1-t12-a2', ['s1']), 's1');
  assert.equal(trialStudyOf('s1-tail', ['s1']), undefined);
  assert.equal(trialStudyOf('s10-t1', ['s1']), undefined);
});

test('lists the study and the standalone run, newest first, the trials’ runs left out', async () => {
  assert.equal(runIds(workspace).length, 9, '8 trial runs + 1 standalone run on disk');
  const index = new RunsIndex();
  await index.load(files);
  const jobs = index.list();
  assert.deepEqual(jobs.map((j) => j.kind), ['run', 'study']);
  const [run, study] = jobs;
  assert.equal(run.dir, runDir);
  assert.equal(run.state, 'succeeded');
  assert.ok(run.kind === 'run' && run.metric?.name === 'val_loss');
  assert.ok(study.kind === 'study');
  assert.equal(study.state, 'succeeded');
  assert.equal(study.counts.completed, 8);
  assert.match(describeJob(study), /^succeeded · best [\d.]+ · 8\/8 trials · \d+s$/);
  assert.match(describeJob(run), /^succeeded · val_loss [\d.]+ · \d+s$/);
  assert.equal(index.list((kind) => kind === 'run')[0].state, 'running', 'a job this window runs shows as running');
});

test('update re-reads a changed file and drops a deleted one', async () => {
  const index = new RunsIndex();
  await index.load(files);
  const file = join(studyDir, 'study.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...record, state: 'CANCELLED', message: 'stopped by the user' }));
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  await index.update([file]);
  assert.equal(index.list().find((j) => j.kind === 'study')?.state, 'cancelled');
  rmSync(runDir, { recursive: true });
  await index.update([join(runDir, 'run.json')]);
  assert.deepEqual(index.list().map((j) => j.kind), ['study']);
});

test('a run cached as running is read again when listed, so a missed watcher event cannot leave it "failed"', async () => {
  const dir = join(workspace, '.modellab', 'runs', 'finishing-run');
  // Any finished run will do (the standalone one was deleted above): the study's first trial run.
  cpSync(join(workspace, '.modellab', 'runs', `${basename(studyDir)}-t1`), dir, { recursive: true });
  const file = join(dir, 'run.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  // Recorded as running by a process that is gone: shows as failed…
  writeFileSync(file, JSON.stringify({ ...record, runId: 'finishing-run', status: 'running', pid: 2 ** 22 + 4321, hostname: hostname() }));
  const index = new RunsIndex();
  await index.load([file]);
  assert.equal(index.list()[0].state, 'failed');
  // …until it turns out to have finished: the file changed and nobody said so.
  writeFileSync(file, JSON.stringify({ ...record, runId: 'finishing-run', status: 'succeeded' }));
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  await index.refreshRunning();
  assert.equal(index.list()[0].state, 'succeeded');
});

test('durations read as people write them', () => {
  assert.equal(formatDuration(4_400), '4s');
  assert.equal(formatDuration(65_000), '1m 05s');
  assert.equal(formatDuration(2 * 3600_000 + 3 * 60_000), '2h 03m');
});
