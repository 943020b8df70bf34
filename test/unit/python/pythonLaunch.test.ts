import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { buildPythonLaunch, hyperparameterArgs, isPythonModuleName, pythonJsonDumps, resolvePython } from '../../../src/runtime/python/pythonLaunch';

const BASE = { packagePath: '/work/project/trainer', module: 'trainer.task', jobDir: '/work/out' };

describe('buildPythonLaunch: as gcloud ai-platform local train', () => {
  it('runs python -m <module> with the user args then --job-dir, in the parent of the package', () => {
    const launch = buildPythonLaunch({ ...BASE, args: ['--epochs', '5'], python: '/usr/bin/python3' });
    assert.equal(launch.command, '/usr/bin/python3');
    assert.deepEqual(launch.args, ['-m', 'trainer.task', '--epochs', '5', '--job-dir', '/work/out']);
    assert.equal(launch.cwd, '/work/project');
  });

  it("sets TF_CONFIG byte for byte as gcloud's json.dumps does, with --job-dir in job.args", () => {
    const launch = buildPythonLaunch({ ...BASE, args: ['--epochs', '5'] });
    assert.equal(
      launch.env.TF_CONFIG,
      '{"job": {"job_name": "trainer.task", "args": ["--epochs", "5", "--job-dir", "/work/out"]}, "task": {}, "cluster": {}, "environment": "cloud"}',
    );
    assert.deepEqual(JSON.parse(launch.env.TF_CONFIG ?? ''), launch.tfConfig);
  });

  it('sets no CLOUD_ML_* variable for a plain run, as local train does', () => {
    const env = buildPythonLaunch({ ...BASE, env: { CLOUD_ML_TRIAL_ID: undefined, CLOUD_ML_HP_METRIC_FILE: undefined } }).env;
    assert.equal(env.CLOUD_ML_TRIAL_ID, undefined);
    assert.equal(env.CLOUD_ML_HP_METRIC_FILE, undefined);
  });

  it('resolves a relative Python path from here (the child starts elsewhere); a bare name is looked up on PATH', () => {
    assert.equal(buildPythonLaunch({ ...BASE, python: '.venv/bin/python' }).command, resolve('.venv/bin/python'));
    assert.equal(buildPythonLaunch({ ...BASE, python: 'python3.11' }).command, 'python3.11');
  });

  it('omits --job-dir when there is none, as gcloud without the flag', () => {
    const launch = buildPythonLaunch({ packagePath: 'trainer', module: 'trainer.task', args: ['a'] });
    assert.deepEqual(launch.args, ['-m', 'trainer.task', 'a']);
    assert.deepEqual(launch.tfConfig.job.args, ['a']);
  });

  it('passes a relative job dir as written: the trainer resolves it against the package parent', () => {
    assert.deepEqual(buildPythonLaunch({ ...BASE, jobDir: 'out' }).args.slice(-2), ['--job-dir', 'out']);
  });
});

describe('buildPythonLaunch: a tuning trial', () => {
  const launch = buildPythonLaunch({
    ...BASE,
    args: ['--data', 'd.csv'],
    hyperparameters: { learning_rate: 0.01, max_depth: 6, booster: 'gbtree', shift: -2 },
    trialId: '3',
    metricFile: '/tmp/t3/output.metrics',
  });

  it('gets each hyperparameter as --name=value, after the user args and before --job-dir', () => {
    assert.deepEqual(launch.args, ['-m', 'trainer.task', '--data', 'd.csv', '--learning_rate=0.01', '--max_depth=6', '--booster=gbtree', '--shift=-2', '--job-dir', '/work/out']);
  });

  it('gets TF_CONFIG.task.trial (and no task type: there is no cluster), CLOUD_ML_TRIAL_ID and its metric file', () => {
    const config = JSON.parse(launch.env.TF_CONFIG ?? '') as { task: unknown; job: { args: string[] } };
    assert.deepEqual(config.task, { trial: '3' });
    assert.deepEqual(config.job.args, launch.args.slice(2));
    assert.equal(launch.env.CLOUD_ML_TRIAL_ID, '3');
    assert.equal(launch.env.CLOUD_ML_HP_METRIC_FILE, '/tmp/t3/output.metrics');
  });
});

describe('buildPythonLaunch: environment', () => {
  it('inherits this process\'s environment, adds the given one, and removes variables given as undefined', () => {
    process.env.MODELLAB_TEST_INHERITED = 'yes';
    try {
      const env = buildPythonLaunch({ ...BASE, env: { EXTRA: '1', MODELLAB_TEST_INHERITED: undefined, PATH: '/opt/bin' } }).env;
      assert.equal(env.EXTRA, '1');
      assert.equal(env.PATH, '/opt/bin');
      assert.equal('MODELLAB_TEST_INHERITED' in env, false);
      assert.equal(buildPythonLaunch(BASE).env.MODELLAB_TEST_INHERITED, 'yes');
    } finally {
      delete process.env.MODELLAB_TEST_INHERITED;
    }
  });

  it('makes Python unbuffered (output goes to a pipe) unless the user says otherwise', () => {
    assert.equal(buildPythonLaunch(BASE).env.PYTHONUNBUFFERED, '1');
    assert.equal(buildPythonLaunch({ ...BASE, env: { PYTHONUNBUFFERED: '' } }).env.PYTHONUNBUFFERED, '');
  });

  it('does not let the caller override TF_CONFIG: the launch defines it', () => {
    assert.notEqual(buildPythonLaunch({ ...BASE, env: { TF_CONFIG: '{}' } }).env.TF_CONFIG, '{}');
  });

  it('refuses what is not a module name', () => {
    for (const bad of ['trainer/task', 'trainer-task', '', '1trainer', 'trainer..task']) {
      assert.equal(isPythonModuleName(bad), false, bad);
      assert.throws(() => buildPythonLaunch({ ...BASE, module: bad }), /not a Python module name/);
    }
    assert.equal(isPythonModuleName('my_pkg.sub_1.task'), true);
  });
});

describe('resolvePython', () => {
  it('takes the option, then MODELLAB_PYTHON from the trial env, then from this process, then python3', () => {
    const saved = process.env.MODELLAB_PYTHON;
    try {
      delete process.env.MODELLAB_PYTHON;
      assert.equal(resolvePython(undefined, {}), process.platform === 'win32' ? 'python' : 'python3');
      process.env.MODELLAB_PYTHON = '/from/process';
      assert.equal(resolvePython(undefined, {}), '/from/process');
      assert.equal(resolvePython(undefined, { MODELLAB_PYTHON: '/from/env' }), '/from/env');
      assert.equal(resolvePython('/from/option', { MODELLAB_PYTHON: '/from/env' }), '/from/option');
    } finally {
      if (saved === undefined) delete process.env.MODELLAB_PYTHON;
      else process.env.MODELLAB_PYTHON = saved;
    }
  });
});

describe('hyperparameterArgs and pythonJsonDumps', () => {
  it('writes numbers in forms Python reads back', () => {
    assert.deepEqual(hyperparameterArgs({ a: 1e-7, b: 100, c: 0.5, d: 'x y' }), ['--a=1e-7', '--b=100', '--c=0.5', '--d=x y']);
    assert.deepEqual(hyperparameterArgs(), []);
  });

  it("matches json.dumps' separators and ASCII escaping", () => {
    assert.equal(pythonJsonDumps({ a: [1, 'é', true, null], b: {} }), '{"a": [1, "\\u00e9", true, null], "b": {}}');
    assert.equal(pythonJsonDumps('quote " and \\ and \n'), '"quote \\" and \\\\ and \\n"');
  });
});
