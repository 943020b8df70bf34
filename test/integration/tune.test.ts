/**
 * HyperTune for real: studies of the iris example through `model-lab tune` (trials in warm worker
 * processes), a trainer that crashes or hangs, `kill -9` of the tuner mid-study then `--resume`, early
 * stopping by the median rule, and a Python trainer package study.
 */
import assert from 'node:assert/strict';
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as rpc from 'vscode-jsonrpc/node';
import * as protocol from '../../src/protocol/runtimeProtocol';
import type { TrainingOutput, TuneResult } from '../../src/protocol/runtimeProtocol';
import { readRunRecord } from '../../src/runtime/runs/runRecord';
import type { SuggestionAlgorithm } from '../../src/runtime/tune/algorithm';
import { readTrialEntries, type TrialLogEntry } from '../../src/runtime/tune/trialLog';
import { TuneJob } from '../../src/runtime/tune/tuneJob';
import { CLI, jsonLines, requireBuild, ROOT, RUNTIME, runCli, tempWorkspace } from './cliHarness';

const IRIS = join(ROOT, 'examples/iris/modellab.yaml');
const CRASH = join(ROOT, 'test/fixtures/tune/crash-trainer/modellab.yaml');

function resultOf(stdout: string): TuneResult {
  const result = jsonLines(stdout).find((l) => l.type === 'result') as (TuneResult & { type: string }) | undefined;
  assert.ok(result, `no result line in:\n${stdout}`);
  return result;
}

function checkShape(out: TrainingOutput, tag: string): void {
  assert.equal(out.isHyperparameterTuningJob, true);
  assert.equal(out.hyperparameterMetricTag, tag);
  assert.equal(typeof out.completedTrialCount, 'string');
  for (const t of out.trials) {
    assert.match(t.trialId, /^\d+$/);
    for (const v of Object.values(t.hyperparameters)) assert.equal(typeof v, 'string');
    if (t.finalMetric) {
      assert.equal(typeof t.finalMetric.trainingStep, 'string');
      assert.equal(typeof t.finalMetric.objectiveValue, 'number');
    }
    assert.equal(typeof t.isTrialStoppedEarly, 'boolean');
    assert.ok(t.runId);
  }
}

function entriesOf(studyDir: string): TrialLogEntry[] {
  return readTrialEntries(join(studyDir, 'trials.jsonl'));
}

test('a study of the iris example: Cloud trainingOutput, best first, best ≥ first trial, runs with bundles, listed', async () => {
  const ws = tempWorkspace('ml-tune-');
  const r = await runCli(['tune', IRIS, '--workspace', ws, '--json', '--parallel', '2', '--seed', '3', '--set', 'training.epochs=5', '--set', 'hyperparameters.maxTrials=4']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const result = resultOf(r.stdout);
  assert.equal(result.state, 'SUCCEEDED');
  const out = result.trainingOutput;
  checkShape(out, 'val_accuracy');
  assert.equal(out.completedTrialCount, '4');
  assert.deepEqual(out.trials.map((t) => t.trialId).sort(), ['1', '2', '3', '4']);
  const values = out.trials.map((t) => t.finalMetric!.objectiveValue);
  assert.deepEqual(values, [...values].sort((a, b) => b - a), 'sorted best first (MAXIMIZE)');
  const first = out.trials.find((t) => t.trialId === '1')!;
  assert.ok(values[0] >= first.finalMetric!.objectiveValue);
  for (const t of out.trials) {
    assert.equal(t.state, 'SUCCEEDED');
    assert.equal(t.finalMetric!.trainingStep, '5');
    const run = readRunRecord(join(ws, '.modellab/runs', t.runId));
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(Object.keys(run.hyperparameters).sort(), ['hidden_units', 'learning_rate']);
    assert.ok(existsSync(join(ws, '.modellab/runs', t.runId, 'model/modellab.json')));
  }
  // The event lines the experiment panel also gets.
  const types = new Set(jsonLines(r.stdout).map((l) => l.type));
  for (const type of ['study', 'suggestion', 'trialState', 'measurement', 'result']) assert.ok(types.has(type), type);

  const listed = await runCli(['studies', '--workspace', ws, '--json']);
  const studies = (JSON.parse(listed.stdout) as { studies: { studyId: string; state: string; counts: { completed: number } }[] }).studies;
  assert.deepEqual(studies.map((s) => [s.studyId, s.state, s.counts.completed]), [[result.studyId, 'SUCCEEDED', 4]]);
  const board = await runCli(['study', result.studyId, '--workspace', ws]);
  assert.equal(board.code, 0, board.stderr);
  assert.match(board.stdout, /rank\s+trial\s+state\s+val_accuracy/);
});

test('a trial that kills its worker and one that hangs are FAILED; the study goes on and succeeds', async () => {
  const ws = tempWorkspace('ml-tune-crash-');
  const r = await runCli(['tune', CRASH, '--workspace', ws, '--json', '--trial-timeout', '10']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = resultOf(r.stdout).trainingOutput;
  checkShape(out, 'hptuning/score');
  const by = Object.fromEntries(out.trials.map((t) => [t.hyperparameters.behaviour, t]));
  assert.equal(by.ok.state, 'SUCCEEDED');
  assert.ok(by.ok.finalMetric!.objectiveValue > 0.5, 'the objective came from ctx.report');
  assert.equal(by.exit.state, 'FAILED');
  assert.match(by.exit.error!, /worker process died \(exit code 3\)/);
  assert.equal(by.hang.state, 'FAILED');
  assert.match(by.hang.error!, /time limit of 10 s/);
  assert.equal(out.completedTrialCount, '1');
  assert.equal(out.trials[0].hyperparameters.behaviour, 'ok', 'trials with a metric come first');
  assert.equal(readRunRecord(join(ws, '.modellab/runs', by.exit.runId)).status, 'failed');
});

test('maxFailedTrials reached: the study stops FAILED, starts no more trials, and says why', async () => {
  const ws = tempWorkspace('ml-tune-maxfail-');
  const r = await runCli(['tune', CRASH, '--workspace', ws, '--json', '--parallel', '1', '--set', 'hyperparameters.maxFailedTrials=1', '--set', 'hyperparameters.algorithm=RANDOM_SEARCH', '--seed', '2', '--trial-timeout', '10']);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const result = resultOf(r.stdout);
  assert.equal(result.state, 'FAILED');
  assert.match(result.message!, /1 trials failed \(maxFailedTrials 1\)/);
  const out = result.trainingOutput;
  const failed = out.trials.filter((t) => t.state === 'FAILED');
  assert.equal(failed.length, 1);
  // Trials run one at a time: the first failure ends the study, so nothing was started after it.
  const failedAt = Number(failed[0].trialId);
  assert.ok(out.trials.every((t) => Number(t.trialId) <= failedAt), JSON.stringify(out.trials));
});

test('kill -9 of the tuner mid-study, then --resume: no completed trial lost or repeated, running ones re-queued', async () => {
  requireBuild();
  const ws = tempWorkspace('ml-tune-kill-');
  const args = ['tune', IRIS, '--workspace', ws, '--json', '--parallel', '2', '--seed', '5', '--set', 'training.epochs=25', '--set', 'training.earlyStopping=false', '--set', 'hyperparameters.maxTrials=4'];
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let studyId = '';
  let studyDir = '';
  let buffer = '';
  const completedBeforeKill = await new Promise<string[]>((done, fail) => {
    const completed: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl)) as { type: string; studyId?: string; studyDir?: string; state?: string; trialId?: string };
        buffer = buffer.slice(nl + 1);
        if (line.type === 'study') ({ studyId = '', studyDir = '' } = line);
        if (line.type === 'trialState' && line.state === 'completed') {
          completed.push(line.trialId!);
          child.kill('SIGKILL');
          done(completed);
        }
      }
    });
    child.on('exit', () => fail(new Error('the tuner ended before a trial completed')));
  });
  await new Promise((resolve) => child.once('close', resolve));

  const before = entriesOf(studyDir);
  const started = (entries: TrialLogEntry[], id: string) => entries.filter((e) => e.type === 'started' && e.trialId === id).length;
  const finishedBefore = before.filter((e) => e.type === 'finished').map((e) => e.trialId);
  assert.ok(finishedBefore.includes(completedBeforeKill[0]));
  const runningAtKill = [...new Set(before.filter((e) => e.type === 'started').map((e) => e.trialId))].filter((id) => !finishedBefore.includes(id));
  assert.ok(runningAtKill.length > 0, 'a trial was running when the tuner was killed');
  const objectiveBefore = new Map(before.filter((e) => e.type === 'finished').map((e) => [e.trialId, (e as { objective?: number }).objective]));

  // The study's files still say RUNNING; its process is gone.
  const listed = JSON.parse((await runCli(['studies', '--workspace', ws, '--json'])).stdout) as { studies: { studyId: string; interrupted: boolean }[] };
  assert.deepEqual(listed.studies.map((s) => [s.studyId, s.interrupted]), [[studyId, true]]);

  const resumed = await runCli(['tune', '--resume', studyId, '--workspace', ws, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  const result = resultOf(resumed.stdout);
  assert.equal(result.state, 'SUCCEEDED');
  assert.equal(result.studyId, studyId);
  const out = result.trainingOutput;
  assert.deepEqual(out.trials.map((t) => t.trialId).sort(), ['1', '2', '3', '4'], 'exactly maxTrials trials, no duplicates');
  assert.equal(out.completedTrialCount, '4');
  const after = entriesOf(studyDir);
  for (const id of finishedBefore) {
    assert.equal(started(after, id), 1, `finished trial ${id} never ran again`);
    assert.equal(out.trials.find((t) => t.trialId === id)!.finalMetric!.objectiveValue, objectiveBefore.get(id));
    assert.equal(out.trials.find((t) => t.trialId === id)!.runId, `${studyId}-t${id}`);
  }
  for (const id of runningAtKill) {
    assert.ok(after.some((e) => e.type === 'requeued' && e.trialId === id), `trial ${id} re-queued`);
    const trial = out.trials.find((t) => t.trialId === id)!;
    assert.equal(trial.runId, `${studyId}-t${id}-a2`);
    assert.equal(trial.state, 'SUCCEEDED');
    // The interrupted attempt's run is marked failed. Two races with the kill are allowed: the trial was
    // logged as started but its worker had not yet begun the run (no run.json: nothing to mark), or its
    // worker finished the last epoch as the tuner died (its result in flight, or written by the orphaned
    // worker before it saw the disconnect): then the run truly succeeded, with its model, and the trial
    // runs again all the same.
    const interruptedDir = join(ws, '.modellab/runs', `${studyId}-t${id}`);
    if (existsSync(join(interruptedDir, 'run.json'))) {
      const interrupted = readRunRecord(interruptedDir);
      if (interrupted.status !== 'failed') {
        assert.equal(interrupted.status, 'succeeded', 'the interrupted run is marked failed');
        assert.ok(existsSync(join(interruptedDir, 'model', 'modellab.json')), `run ${studyId}-t${id} says succeeded, so it has its model`);
      }
    }
  }
  const warnings = jsonLines(resumed.stdout).filter((l) => l.type === 'log' && /re-queued/.test(String(l.message)));
  assert.equal(warnings.length, runningAtKill.length, 'resume says what it did with each interrupted trial');
});

/** Suggests fixed parameter sets in order: a good configuration, then bad ones the median rule should stop. */
function scripted(sets: Record<string, number>[]): () => SuggestionAlgorithm {
  return () => ({
    name: 'RANDOM_SEARCH',
    suggest: ({ history, count }) => sets.slice(history.length, history.length + count),
  });
}

test('early stopping: a trial worse than the median of completed ones is STOPPED early and keeps its metrics and bundle', async () => {
  requireBuild();
  const ws = tempWorkspace('ml-tune-stop-');
  const good = { learning_rate: 0.05, hidden_units: 32 };
  const bad = { learning_rate: 0.001, hidden_units: 8 };
  const job = await TuneJob.prepare({
    specFile: IRIS,
    workspace: ws,
    runtimePath: RUNTIME,
    parallel: 1,
    overrides: ['training.epochs=12', 'training.earlyStopping=false', 'hyperparameters.maxTrials=2', 'hyperparameters.enableTrialEarlyStopping=true'],
    earlyStopping: { minCompletedTrials: 1, minMeasurements: 2 },
    createAlgorithm: scripted([good, bad]),
  });
  const result = await job.run();
  assert.equal(result.state, 'SUCCEEDED', result.message);
  const t2 = result.trainingOutput.trials.find((t) => t.trialId === '2')!;
  assert.equal(t2.isTrialStoppedEarly, true, JSON.stringify(result.trainingOutput));
  assert.equal(t2.state, 'SUCCEEDED');
  assert.ok(Number(t2.finalMetric!.trainingStep) < 12);
  const run = readRunRecord(join(ws, '.modellab/runs', t2.runId));
  assert.equal(run.status, 'cancelled');
  assert.ok(existsSync(join(ws, '.modellab/runs', t2.runId, 'model/modellab.json')), 'the stopped trial keeps its bundle');
  assert.ok(readFileSync(join(ws, '.modellab/runs', t2.runId, 'metrics.jsonl'), 'utf8').includes('"val_accuracy"'));
  assert.equal(result.trainingOutput.trials[0].trialId, '1');
});

function sklearnAvailable(): string | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'scikit-learn is not importable with /usr/bin/python3';
}

test('a Python trainer package study (examples/sklearn-trainer) ends better than its first trial', async (t) => {
  const config = join(ROOT, 'examples/sklearn-trainer/config.yaml');
  const why = !existsSync(config) ? 'examples/sklearn-trainer/config.yaml is not there yet' : sklearnAvailable();
  if (why) {
    t.skip(why);
    return;
  }
  const ws = tempWorkspace('ml-tune-py-');
  const r = await runCli(['tune', config, '--workspace', ws, '--json', '--python', '/usr/bin/python3', '--seed', '1', '--set', 'hyperparameters.maxTrials=6']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const study = jsonLines(r.stdout).find((l) => l.type === 'study') as { goal: string };
  const result = resultOf(r.stdout);
  const out = result.trainingOutput;
  checkShape(out, out.hyperparameterMetricTag);
  assert.equal(out.trials.length, 6);
  const first = out.trials.find((x) => x.trialId === '1')!;
  const best = out.trials[0];
  assert.ok(best.finalMetric && first.finalMetric, JSON.stringify(out));
  const better = study.goal === 'MINIMIZE' ? best.finalMetric.objectiveValue < first.finalMetric.objectiveValue : best.finalMetric.objectiveValue > first.finalMetric.objectiveValue;
  assert.ok(better, `best ${best.finalMetric.objectiveValue} (trial ${best.trialId}) vs first ${first.finalMetric.objectiveValue} (${study.goal})`);
  assert.ok(existsSync(join(ws, '.modellab/runs', best.runId, 'trainer.log')));
  assert.ok(existsSync(join(ws, '.modellab/runs', best.runId, 'job')), 'a job dir per trial inside its run folder');
});

test('the runtime process runs a study over the protocol: tune request, study notifications, studies/study requests', async () => {
  requireBuild();
  const child = fork(RUNTIME, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
  const connection = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
  const seen: string[] = [];
  connection.onNotification(protocol.StudyStateNotification, (p) => seen.push(`study:${p.state}`));
  connection.onNotification(protocol.StudySuggestionNotification, () => seen.push('suggestion'));
  connection.onNotification(protocol.StudyTrialStateNotification, (p) => seen.push(`trial${p.trialId}:${p.state}`));
  connection.onNotification(protocol.StudyMeasurementNotification, (p) => seen.push(`measurement:${p.tag}`));
  connection.listen();
  try {
    const ws = tempWorkspace('ml-tune-rpc-');
    const result = await connection.sendRequest(protocol.TuneRequest, {
      specFile: IRIS,
      workspace: ws,
      studyId: 'rpc-study',
      parallel: 2,
      seed: 1,
      overrides: ['training.epochs=3', 'hyperparameters.maxTrials=2'],
    });
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.equal(result.studyId, 'rpc-study');
    assert.equal(result.trainingOutput.completedTrialCount, '2');
    for (const event of ['study:RUNNING', 'suggestion', 'trial1:created', 'trial1:active', 'trial1:completed', 'trial2:completed', 'measurement:val_accuracy', 'study:SUCCEEDED']) {
      assert.ok(seen.includes(event), `${event} in ${seen.join(', ')}`);
    }
    const { studies } = await connection.sendRequest(protocol.ListStudiesRequest, { workspace: ws });
    assert.deepEqual(studies.map((s) => s.studyId), ['rpc-study']);
    const details = await connection.sendRequest(protocol.GetStudyRequest, { workspace: ws, studyId: 'rpc-study' });
    assert.equal(details.trainingOutput.trials.length, 2);
    assert.deepEqual(await connection.sendRequest(protocol.StopStudyRequest, { studyId: 'rpc-study' }), { stopped: false }, 'no longer running');
  } finally {
    connection.dispose();
    child.kill();
  }
});
