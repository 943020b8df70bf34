/**
 * The runtime protocol with the real child process, as the extension drives it: train through it,
 * cancel through it, predict through it, and survive the child's crash with a clear error and a
 * run marked failed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeClient, RuntimeExitedError } from '../../src/runtime-client/runtimeClient';
import type { RunEpochParams } from '../../src/protocol/runtimeProtocol';
import { requireBuild, ROOT, RUNTIME, tempWorkspace } from './cliHarness';

let client: RuntimeClient;

before(async () => {
  requireBuild();
  client = await RuntimeClient.start({ runtimePath: RUNTIME });
});
after(async () => {
  await client.dispose();
});

test('train iris through the runtime process: notifications arrive, the result is ≥ 0.9, prediction works', async () => {
  const ws = tempWorkspace();
  const epochs: RunEpochParams[] = [];
  let started: string | undefined;
  const result = await client.train(
    { specFile: join(ROOT, 'examples/iris/modellab.yaml'), workspace: ws },
    { onStarted: (p) => (started = p.runDir), onEpoch: (p) => epochs.push(p) },
  );
  assert.equal(result.status, 'succeeded', result.error);
  assert.equal(started, result.runDir);
  assert.equal(epochs.length, result.epochsRun);
  assert.ok(result.metrics.val_accuracy >= 0.9, `val_accuracy ${result.metrics.val_accuracy}`);

  const { predictions } = await client.predict(result.bundleDir!, [
    { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
  ]);
  assert.deepEqual((predictions as { label: string }[]).map((p) => p.label), ['setosa', 'virginica']);
});

test('digits (MLP) trains to ≥ 0.9 through the runtime process', async () => {
  const result = await client.train({ specFile: join(ROOT, 'examples/digits/digits-mlp.modellab.yaml'), workspace: tempWorkspace() });
  assert.equal(result.status, 'succeeded', result.error);
  assert.ok(result.metrics.val_accuracy >= 0.9, `val_accuracy ${result.metrics.val_accuracy}`);
});

test('an invalid spec is a protocol error with located problems, and no run', async () => {
  const ws = tempWorkspace();
  const err = await client.train({ specFile: join(ROOT, 'examples/iris/modellab.yaml'), workspace: ws, overrides: ['training.epoch=3'] }).then(
    () => assert.fail('expected an error'),
    (e: { code?: number; data?: { problems?: { path: string; suggestion?: string }[] } }) => e,
  );
  assert.equal(err.code, -32001);
  assert.equal(err.data?.problems?.[0].suggestion, 'epochs');
});

test('cancel stops a run mid-training and leaves it cancelled', async () => {
  const ws = tempWorkspace();
  const runId = `cancel-${Date.now()}`;
  const result = await client.train(
    { specFile: join(ROOT, 'examples/digits/modellab.yaml'), workspace: ws, runId, overrides: ['training.epochs=500', 'training.earlyStopping=false'] },
    { onEpoch: (p) => void (p.epoch === 1 && client.cancel(runId)) },
  );
  assert.equal(result.status, 'cancelled');
  assert.ok(result.epochsRun >= 1 && result.epochsRun < 500);
  assert.equal(JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8')).status, 'cancelled');
});

test('a study through the client: trial notifications arrive and the answer has the trainingOutput shape', async () => {
  const states: string[] = [];
  const result = await client.tune(
    {
      specFile: join(ROOT, 'examples/iris/modellab.yaml'),
      workspace: tempWorkspace(),
      overrides: ['training.epochs=2', 'hyperparameters.maxTrials=2', 'hyperparameters.algorithm=RANDOM_SEARCH'],
      parallel: 1,
      seed: 1,
    },
    { onTrialState: (p) => states.push(`${p.trialId}:${p.state}`) },
  );
  assert.equal(result.state, 'SUCCEEDED', result.message);
  assert.equal(result.trainingOutput.trials.length, 2);
  assert.ok(states.includes('1:completed') && states.includes('2:completed'), states.join(' '));
  for (const trial of result.trainingOutput.trials) {
    assert.equal(typeof trial.hyperparameters.learning_rate, 'string');
    assert.ok(Number.isFinite(trial.finalMetric?.objectiveValue));
  }
});

test('the machine report (model-lab doctor) comes through the runtime process', async () => {
  const report = (await client.machineReport()) as { schema: string; backends: { name: string; available: boolean; reason?: string }[] };
  assert.equal(report.schema, 'modellab.machine-report/1');
  const wasm = report.backends.find((b) => b.name === 'wasm');
  assert.equal(wasm?.available, true);
  assert.match(report.backends.find((b) => b.name === 'tensorflow')?.reason ?? '', /not installed/);
});

test('a crash of the runtime rejects the request clearly and marks the run failed', async () => {
  const crashing = await RuntimeClient.start({ runtimePath: RUNTIME });
  const ws = tempWorkspace();
  let runDir: string | undefined;
  const pending = crashing.train(
    { specFile: join(ROOT, 'examples/digits/modellab.yaml'), workspace: ws, overrides: ['training.epochs=500', 'training.earlyStopping=false'] },
    {
      onStarted: (p) => (runDir = p.runDir),
      onEpoch: () => void crashing.child.kill('SIGKILL'),
    },
  );
  await assert.rejects(pending, (err: unknown) => err instanceof RuntimeExitedError && /exited unexpectedly \(signal SIGKILL\)/.test(err.message));
  assert.ok(runDir);
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, 'failed');
  assert.match(run.error, /runtime process exited unexpectedly \(signal SIGKILL\)/);
  await assert.rejects(crashing.predict('/nowhere', []), RuntimeExitedError);
});
