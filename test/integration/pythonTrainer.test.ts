/**
 * Python trainer packages run for real, as `gcloud ai-platform local train` runs them: the probe fixture
 * (stdlib only) records exactly what it was started with; the scikit-learn and XGBoost examples train,
 * write their model into the job dir (loaded back by the real library) and report metrics through the
 * cloudml-hypertune file protocol. Needs Debian's python3-sklearn and python3-xgboost for the examples;
 * set MODELLAB_TEST_PYTHON to use another Python.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Measurement, PythonLaunchError, type PythonTrialOptions, runPythonTrial } from '../../src/runtime/python/localTrain';
import { loadTrainingJobConfig } from '../../src/runtime/python/trainingJobConfig';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/python');
const PROBE = join(FIXTURES, 'probe');
const PYTHON = process.env.MODELLAB_TEST_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
/** The trainers run inside the repository: no __pycache__ folders left behind. */
const ENV = { PYTHONDONTWRITEBYTECODE: '1' };

function canImport(modules: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
}
const hasPython = canImport('json');
const noPython = hasPython ? false : `no Python at ${PYTHON} (set MODELLAB_TEST_PYTHON)`;
const noSklearn = !hasPython ? noPython : canImport('sklearn, joblib, numpy') ? false : `scikit-learn is not importable by ${PYTHON} (Debian: apt-get install python3-sklearn)`;
const noXgboost = !hasPython ? noPython : canImport('xgboost, numpy') ? false : `xgboost is not importable by ${PYTHON} (Debian: apt-get install python3-xgboost)`;

/** Runs Python code and returns its stdout, failing the test with its stderr. */
function python(code: string): string {
  const result = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', env: { ...process.env, ...ENV } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'ml-python-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const probe = (module: string, extra: Partial<PythonTrialOptions> = {}): Promise<Awaited<ReturnType<typeof runPythonTrial>>> =>
  runPythonTrial({ packagePath: PROBE, module: `probe.${module}`, jobDir: join(work, module), python: PYTHON, env: ENV, ...extra });

describe('runPythonTrial: what the trainer sees', { skip: noPython }, () => {
  it('a tuning trial: argv, working directory, TF_CONFIG, CLOUD_ML_* and its own metric file', async () => {
    const jobDir = join(work, 'trial');
    const lines: string[] = [];
    const live: Measurement[] = [];
    const result = await probe('dump', {
      jobDir,
      args: ['--reports', '2', 'data/relative.csv'],
      hyperparameters: { learning_rate: 0.05, layers: 3, activation: 'relu' },
      trialId: '7',
      logFile: join(work, 'trial-log', 'log.txt'),
      onOutput: (line, stream) => lines.push(`${stream}: ${line}`),
      onMeasurement: (m) => live.push(m),
    });
    assert.deepEqual([result.exitCode, result.signal, result.timedOut, result.cancelled], [0, null, false, false]);

    const seen = JSON.parse(readFileSync(join(jobDir, 'probe.json'), 'utf8')) as Record<string, string | null | string[]>;
    const argv = ['--reports', '2', 'data/relative.csv', '--learning_rate=0.05', '--layers=3', '--activation=relu', '--job-dir', jobDir];
    assert.deepEqual(seen.argv, argv);
    assert.equal(seen.cwd, FIXTURES, 'runs in the parent of the package folder');
    assert.deepEqual(JSON.parse(seen.TF_CONFIG as string), { job: { job_name: 'probe.dump', args: argv }, task: { trial: '7' }, cluster: {}, environment: 'cloud' });
    assert.equal(seen.CLOUD_ML_TRIAL_ID, '7');
    assert.match(seen.CLOUD_ML_HP_METRIC_FILE as string, /output\.metrics$/);
    assert.equal(existsSync(seen.CLOUD_ML_HP_METRIC_FILE as string), false, 'the temporary metric file is removed afterwards');
    assert.equal(seen.PYTHONUNBUFFERED, '1');

    const expected = [
      { tag: 'accuracy', value: 0.1, step: 1 },
      { tag: 'accuracy', value: 0.2, step: 2 },
      { tag: 'training/hptuning/metric', value: 0.5, step: 0 },
    ];
    assert.deepEqual(result.measurements.map(({ time: _t, ...m }) => m), expected);
    assert.deepEqual(live, result.measurements);
    assert.ok(result.measurements.every((m) => m.time !== undefined && Math.abs(m.time - Date.now()) < 60_000));
    assert.deepEqual(lines, ['stdout: probe: done', 'stderr: probe: to stderr']);
    assert.equal(readFileSync(join(work, 'trial-log', 'log.txt'), 'utf8'), 'probe: done\nprobe: to stderr\n');
  });

  it('a plain run: no CLOUD_ML_* variables and an empty task, as local train; extra env passes through', async () => {
    const jobDir = join(work, 'plain');
    const result = await probe('dump', { jobDir, env: { ...ENV, PROBE_EXTRA: 'x', CLOUD_ML_HP_METRIC_FILE: join(work, 'plain.metrics') } });
    assert.equal(result.exitCode, 0);
    const seen = JSON.parse(readFileSync(join(jobDir, 'probe.json'), 'utf8')) as Record<string, string | null>;
    assert.equal(JSON.parse(seen.TF_CONFIG ?? '').task && JSON.stringify(JSON.parse(seen.TF_CONFIG ?? '').task), '{}');
    assert.equal(seen.CLOUD_ML_TRIAL_ID, null);
    assert.equal(seen.PROBE_EXTRA, 'x');
    assert.deepEqual(result.measurements, [], 'a plain run has no metric file of its own to watch');
  });

  it('a metric file the caller names is watched (and emptied first), trial or not', async () => {
    const metricFile = join(work, 'named', 'm.metrics');
    const result = await probe('dump', { jobDir: join(work, 'named-job'), metricFile, args: ['--reports', '1'] });
    assert.deepEqual(result.measurements.map((m) => m.tag), ['accuracy', 'training/hptuning/metric']);
    assert.equal(readFileSync(metricFile, 'utf8').split('\n').filter(Boolean).length, 2, 'the named file is kept');
  });
});

describe('runPythonTrial: stopping and failing', { skip: noPython }, () => {
  it('a trainer past its time limit is stopped with SIGTERM and reported timed out', async () => {
    const result = await probe('sleep', { trialId: '1', timeoutMs: 1500 });
    assert.deepEqual([result.exitCode, result.signal, result.timedOut, result.cancelled], [null, 'SIGTERM', true, false]);
    assert.ok(result.durationMs >= 1400 && result.durationMs < 10_000, String(result.durationMs));
  });

  it('abort cancels a running trial, after its metric arrived while it ran', async () => {
    const abort = new AbortController();
    let sleeping = false;
    let measured = false;
    const maybeAbort = (): void => {
      if (sleeping && measured) abort.abort();
    };
    const result = await probe('sleep', {
      trialId: '2',
      signal: abort.signal,
      metricPollMs: 50,
      onOutput: (line) => {
        sleeping ||= line === 'probe: sleeping';
        maybeAbort();
      },
      onMeasurement: () => {
        measured = true;
        maybeAbort();
      },
    });
    assert.deepEqual([result.signal, result.timedOut, result.cancelled], ['SIGTERM', false, true]);
    assert.equal(result.measurements.length, 1);
  });

  it('a trainer that ignores SIGTERM is killed after the grace period', async () => {
    const abort = new AbortController();
    // The fixture prints once it ignores SIGTERM: stopping it before that would test nothing.
    const result = await probe('sleep', { args: ['--ignore-term'], signal: abort.signal, killGraceMs: 300, onOutput: () => abort.abort() });
    assert.deepEqual([result.signal, result.cancelled], ['SIGKILL', true]);
  });

  it('an already aborted signal starts nothing', async () => {
    const abort = new AbortController();
    abort.abort();
    const result = await probe('dump', { jobDir: join(work, 'never'), signal: abort.signal });
    assert.equal(result.cancelled, true);
    assert.equal(existsSync(join(work, 'never')), false);
  });

  it('a failing trainer exits non-zero with its traceback in the log', async () => {
    const logFile = join(work, 'fail.log');
    const result = await probe('fail', { logFile });
    assert.deepEqual([result.exitCode, result.signal, result.timedOut, result.cancelled], [1, null, false, false]);
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, /^probe: about to fail\n/);
    assert.match(log, /Traceback \(most recent call last\):[\s\S]*probe\/fail\.py", line \d+, in train\n[\s\S]*ValueError: probe: the data has no label column\n$/);
  });

  it("gives back a listener's error once the trainer has finished, instead of crashing", async () => {
    const boom = new Error('listener failed');
    await assert.rejects(
      probe('dump', {
        trialId: '9',
        onOutput: () => {
          throw boom;
        },
        onMeasurement: () => {
          throw new Error('second');
        },
      }),
      (e: unknown) => e === boom,
    );
  });

  it('says why when the trainer cannot start', async () => {
    await assert.rejects(probe('dump', { python: join(work, 'no-such-python') }), (e: unknown) => e instanceof PythonLaunchError && /cannot start Python .*not found/.test(e.message));
    await assert.rejects(probe('dump', { packagePath: join(work, 'no-such-package') }), (e: unknown) => e instanceof PythonLaunchError && /is not a folder/.test(e.message));
  });
});

describe('the scikit-learn example, from its config.yaml', { skip: noSklearn }, () => {
  it('trains a trial with its hyperparameters, reports accuracy and log loss, and writes a model joblib loads', async () => {
    const config = await loadTrainingJobConfig(join(ROOT, 'examples/sklearn-trainer/config.yaml'));
    const jobDir = join(work, 'sklearn');
    const result = await runPythonTrial({
      packagePath: config.packagePath,
      module: config.module,
      args: config.args,
      jobDir,
      hyperparameters: { n_estimators: 30, max_depth: 3 },
      trialId: '1',
      python: PYTHON,
      env: ENV,
    });
    assert.equal(result.exitCode, 0);
    const byTag = new Map(result.measurements.map((m) => [m.tag, m]));
    assert.deepEqual([...byTag.keys()], ['accuracy', 'log_loss']);
    assert.ok(byTag.get('accuracy')!.value > 0.8, `accuracy ${byTag.get('accuracy')!.value}`);
    assert.ok(byTag.get(config.hyperparameters!.hyperparameterMetricTag!)!.value < 0.6);
    assert.equal(byTag.get('log_loss')!.step, 30);

    const model = join(jobDir, 'model.joblib');
    const loaded = python(`import joblib; m = joblib.load(${JSON.stringify(model)}); print(m.n_estimators, m.max_depth, m.predict([[14.23,1.71,2.43,15.6,127,2.8,3.06,0.28,2.29,5.64,1.04,3.92,1065]])[0])`);
    assert.equal(loaded, '30 3 class_0');
  });
});

describe('the XGBoost example', { skip: noXgboost }, () => {
  it('reports the hold-out AUC every 10 rounds and at the end, and writes model.bst and model.json XGBoost loads', async () => {
    const jobDir = join(work, 'xgboost');
    const live: number[] = [];
    const result = await runPythonTrial({
      packagePath: join(ROOT, 'examples/xgboost-trainer/trainer'),
      module: 'trainer.task',
      jobDir,
      hyperparameters: { max_depth: 2, eta: 0.3, num_round: 25 },
      trialId: '4',
      python: PYTHON,
      env: ENV,
      onMeasurement: (m) => live.push(m.step ?? -1),
    });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.measurements.map((m) => [m.tag, m.step]), [['auc', 10], ['auc', 20], ['auc', 25]]);
    assert.deepEqual(live, [10, 20, 25]);
    assert.ok(result.measurements.every((m) => m.value > 0.9 && m.value <= 1));

    const rounds = python(
      `import xgboost as xgb; a = xgb.Booster(model_file=${JSON.stringify(join(jobDir, 'model.bst'))}); ` +
        `b = xgb.Booster(model_file=${JSON.stringify(join(jobDir, 'model.json'))}); print(a.num_boosted_rounds(), b.num_boosted_rounds())`,
    );
    assert.equal(rounds, '25 25');
  });
});

describe('model-lab local-train', { skip: noPython }, () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'localTrainCli.ts'), 'local-train', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...ENV, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  it('runs the module with the user args after --, streams its output and exits 0', async () => {
    const jobDir = join(work, 'cli');
    const metrics = join(work, 'cli.metrics');
    const run = await cli(['--package-path', PROBE, '--module-name', 'probe.dump', '--job-dir', jobDir, '--python', PYTHON, '--', '--reports', '1'], { CLOUD_ML_HP_METRIC_FILE: metrics });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'probe: done\n');
    assert.equal(run.stderr, 'probe: to stderr\n');
    const seen = JSON.parse(readFileSync(join(jobDir, 'probe.json'), 'utf8')) as { argv: string[]; CLOUD_ML_TRIAL_ID: string | null };
    assert.deepEqual(seen.argv, ['--reports', '1', '--job-dir', jobDir]);
    assert.equal(seen.CLOUD_ML_TRIAL_ID, null);
  });

  it("exits with the trainer's code; MODELLAB_PYTHON picks the Python", async () => {
    const run = await cli(['--package-path', PROBE, '--module-name', 'probe.fail'], { MODELLAB_PYTHON: PYTHON });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /ValueError: probe: the data has no label column/);
  });

  it('exits 2 when the Python or the module name is wrong', async () => {
    const missing = await cli(['--package-path', PROBE, '--module-name', 'probe.dump', '--python', join(work, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /model-lab: cannot start Python/);
    const usage = await cli(['--package-path', PROBE]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--module-name/);
  });
});
