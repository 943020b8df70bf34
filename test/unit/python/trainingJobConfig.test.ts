import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { isTrainingJobConfig, loadTrainingJobConfig, parseTrainingJobConfig } from '../../../src/runtime/python/trainingJobConfig';
import { SpecError, type SpecProblem } from '../../../src/runtime/spec/specError';

const ROOT = resolve(__dirname, '../../..');
const project = mkdtempSync(join(tmpdir(), 'ml-jobconfig-'));
mkdirSync(join(project, 'trainer'));
writeFileSync(join(project, 'trainer', '__init__.py'), '');
writeFileSync(join(project, 'setup.py'), '');
const FILE = join(project, 'config.yaml');
after(() => rmSync(project, { recursive: true, force: true }));

function problems(text: string, file = FILE): SpecProblem[] {
  try {
    parseTrainingJobConfig(text, file);
  } catch (error) {
    if (error instanceof SpecError) return error.problems;
    throw error;
  }
  assert.fail('expected the config to be rejected');
}

function problemAt(list: SpecProblem[], path: string): SpecProblem {
  const found = list.find((p) => p.path === path);
  assert.ok(found, `no problem at ${path}; got ${list.map((p) => `${p.path}: ${p.message}`).join(' | ')}`);
  return found;
}

/** The documented example of `gcloud ai-platform jobs submit training --config` (cloudml-formats.md §1.3). */
const DOCUMENTED = `jobId: my_job
labels: {type: prod, owner: alice}
trainingInput:
  scaleTier: CUSTOM
  masterType: complex_model_m
  workerType: complex_model_m
  parameterServerType: large_model
  workerCount: 9
  parameterServerCount: 3
  scheduling: {maxRunningTime: 7200s}
  pythonModule: trainer.task
  hyperparameters:
    goal: MAXIMIZE
    hyperparameterMetricTag: metric1
    maxTrials: 30
    maxParallelTrials: "1"
    enableTrialEarlyStopping: True
    params:
    - {parameterName: hidden1, type: INTEGER, minValue: 40, maxValue: 400, scaleType: UNIT_LINEAR_SCALE}
    - {parameterName: numRnnCells, type: DISCRETE, discreteValues: [1, 2, 3, 4]}
    - {parameterName: rnnCellType, type: CATEGORICAL, categoricalValues: [BasicLSTMCell, GRUCell, LSTMCell]}
`;

describe('training job config: accepted as it is', () => {
  it("reads the documented example; the package is the module's folder beside the file", () => {
    const config = parseTrainingJobConfig(DOCUMENTED, FILE);
    assert.equal(config.file, FILE);
    assert.equal(config.jobId, 'my_job');
    assert.equal(config.module, 'trainer.task');
    assert.equal(config.packagePath, join(project, 'trainer'));
    assert.deepEqual(config.args, []);
    assert.equal(config.jobDir, undefined);
    assert.deepEqual(config.ignoredFields, [
      'labels',
      'trainingInput.scaleTier',
      'trainingInput.masterType',
      'trainingInput.workerType',
      'trainingInput.parameterServerType',
      'trainingInput.workerCount',
      'trainingInput.parameterServerCount',
      'trainingInput.scheduling',
    ]);
  });

  it("validates HyperparameterSpec, takes int64 strings, and fills in Cloud ML's defaults", () => {
    const hp = parseTrainingJobConfig(DOCUMENTED, FILE).hyperparameters;
    assert.ok(hp);
    assert.equal(hp.maxTrials, 30);
    assert.equal(hp.maxParallelTrials, 1);
    assert.equal(hp.maxFailedTrials, 0);
    assert.equal(hp.algorithm, 'ALGORITHM_UNSPECIFIED');
    assert.equal(hp.enableTrialEarlyStopping, true);
    assert.deepEqual(hp.params.map((p) => p.parameterName), ['hidden1', 'numRnnCells', 'rnnCellType']);
  });

  it('resolves packagePath, args and jobDir against the file, and says where fields are', () => {
    const config = parseTrainingJobConfig('trainingInput:\n  packagePath: ./trainer\n  pythonModule: trainer.task\n  args: ["--data", "d.csv"]\n  jobDir: out\n', FILE);
    assert.equal(config.packagePath, join(project, 'trainer'));
    assert.deepEqual(config.args, ['--data', 'd.csv']);
    assert.equal(config.jobDir, join(project, 'out'));
    assert.deepEqual(config.ignoredFields, []);
    assert.deepEqual(config.locate('trainingInput.jobDir'), { line: 5, column: 11 });
  });

  it('takes a local folder in packageUris, also the package parent (setup.py beside trainer/)', () => {
    const config = parseTrainingJobConfig(`trainingInput:\n  packageUris: ["${project}"]\n  pythonModule: trainer.task\n`, FILE);
    assert.equal(config.packagePath, join(project, 'trainer'));
    const mixed = parseTrainingJobConfig('trainingInput:\n  packageUris: [gs://b/trainer-0.1.tar.gz, trainer]\n  pythonModule: trainer.task\n', FILE);
    assert.equal(mixed.packagePath, join(project, 'trainer'));
    assert.deepEqual(mixed.ignoredFields, ['trainingInput.packageUris']);
  });

  it('lists a gs:// jobDir as ignored: the caller picks a local folder', () => {
    const config = parseTrainingJobConfig('trainingInput:\n  pythonModule: trainer.task\n  jobDir: gs://bucket/job\n', FILE);
    assert.equal(config.jobDir, undefined);
    assert.deepEqual(config.ignoredFields, ['trainingInput.jobDir']);
  });

  it('lets command-line values win over the file, as gcloud flags do', async () => {
    writeFileSync(FILE, 'trainingInput:\n  pythonModule: other.task\n  args: [a]\n  jobDir: out\n');
    const config = await loadTrainingJobConfig(FILE, { module: 'trainer.task', packagePath: join(project, 'trainer'), args: ['b'], jobDir: join(project, 'o2') });
    assert.deepEqual([config.module, config.args, config.jobDir], ['trainer.task', ['b'], join(project, 'o2')]);
    assert.deepEqual(config.ignoredFields, ['trainingInput.pythonModule', 'trainingInput.args', 'trainingInput.jobDir']);
  });

  it('reads JSON too (the API form, int64 as strings)', () => {
    const json = JSON.stringify({ trainingInput: { pythonModule: 'trainer.task', hyperparameters: { maxTrials: '4', params: [{ parameterName: 'lr', type: 'DOUBLE', minValue: 0.001, maxValue: 0.1 }] } } }, null, 2);
    assert.equal(parseTrainingJobConfig(json, join(project, 'config.json')).hyperparameters?.maxTrials, 4);
  });

  it("loads the examples' config files", async () => {
    const sklearn = await loadTrainingJobConfig(join(ROOT, 'examples/sklearn-trainer/config.yaml'));
    assert.equal(sklearn.packagePath, join(ROOT, 'examples/sklearn-trainer/trainer'));
    assert.equal(sklearn.hyperparameters?.hyperparameterMetricTag, 'log_loss');
    const xgboost = await loadTrainingJobConfig(join(ROOT, 'examples/xgboost-trainer/config.yaml'));
    assert.equal(xgboost.jobId, 'breast_cancer_xgb');
    assert.deepEqual(xgboost.hyperparameters?.params.map((p) => p.parameterName), ['max_depth', 'eta', 'num_round']);
    assert.ok(xgboost.ignoredFields.includes('trainingInput.scaleTier'));
  });
});

describe('training job config: errors at file:line:column', () => {
  it('names an unknown field at its key, with a suggestion', () => {
    const list = problems('trainingInput:\n  pythonModule: trainer.task\n  scaleTeir: BASIC\n');
    const p = problemAt(list, 'trainingInput.scaleTeir');
    assert.deepEqual([p.line, p.column, p.message, p.suggestion], [3, 3, "unknown field 'scaleTeir'", 'scaleTier']);
    assert.equal(problemAt(problems('trainingInputs:\n  pythonModule: x\n'), 'trainingInputs').suggestion, 'trainingInput');
  });

  it('reports a hyperparameter rule with the rule name, at the field', () => {
    const text = 'trainingInput:\n  pythonModule: trainer.task\n  hyperparameters:\n    algorithm: GRID_SEARCH\n    params:\n      - parameterName: lr\n        type: DOUBLE\n        minValue: 0.1\n        maxValue: 0.01\n';
    const list = problems(text);
    const order = problemAt(list, 'trainingInput.hyperparameters.params.0.maxValue');
    assert.equal(order.line, 9);
    assert.match(order.message, /rule: range-order/);
    assert.match(problemAt(list, 'trainingInput.hyperparameters.params.0.type').message, /rule: grid-search-types/);
  });

  it("reports HyperparameterSpec shape problems with the job spec's messages", () => {
    const list = problems('trainingInput:\n  pythonModule: trainer.task\n  hyperparameters:\n    maxTrials: ten\n    maxTrails: 3\n    params: []\n');
    assert.equal(problemAt(list, 'trainingInput.hyperparameters.maxTrials').line, 4);
    assert.equal(problemAt(list, 'trainingInput.hyperparameters.maxTrails').suggestion, 'maxTrials');
  });

  it('wants strings in args: a YAML number would reach the trainer changed', () => {
    const p = problemAt(problems('trainingInput:\n  pythonModule: trainer.task\n  args: [--epochs, 5]\n'), 'trainingInput.args.1');
    assert.deepEqual([p.line, p.column], [3, 20]);
    assert.match(p.message, /quote it: '5'/);
  });

  it('needs a module and a package it can find', () => {
    assert.match(problemAt(problems('trainingInput:\n  scaleTier: BASIC\n'), 'trainingInput.pythonModule').message, /pythonModule is required/);
    assert.match(problemAt(problems('trainingInput:\n  pythonModule: trainer/task.py\n'), 'trainingInput.pythonModule').message, /not a Python module name/);
    assert.match(problemAt(problems('trainingInput:\n  pythonModule: missing.task\n'), 'trainingInput').message, /no package folder/);
    assert.match(problemAt(problems('trainingInput:\n  pythonModule: trainer.task\n  packagePath: nowhere\n'), 'trainingInput.packagePath').message, /does not exist/);
    assert.match(problemAt(problems('trainingInput:\n  pythonModule: trainer.task\n  packageUris: [setup.py]\n'), 'trainingInput.packageUris.0').message, /is a file; Model Lab runs the trainer package folder/);
    const remoteOnly = problemAt(problems('trainingInput:\n  pythonModule: trainer.task\n  packageUris: [gs://b/p.tar.gz]\n'), 'trainingInput.packageUris');
    assert.match(remoteOnly.message, /no local folder/);
  });

  it('reports YAML syntax errors and a missing trainingInput with positions', () => {
    const syntax = problems('trainingInput:\n  pythonModule: [unclosed\n');
    assert.ok(syntax[0].line >= 2 && syntax[0].message.startsWith('invalid YAML'));
    assert.equal(problemAt(problems('jobId: x\n'), 'trainingInput').message, 'trainingInput is required');
    assert.match(problems('- a\n')[0].message, /a mapping with a trainingInput field/);
  });

  it('says when the file cannot be read', async () => {
    await assert.rejects(loadTrainingJobConfig(join(project, 'none.yaml')), (e: unknown) => e instanceof SpecError && /file not found/.test(e.message));
  });
});

describe('isTrainingJobConfig', () => {
  it('tells a Cloud ML Job from a Model Lab job spec, from text or parsed', () => {
    assert.equal(isTrainingJobConfig(DOCUMENTED), true);
    assert.equal(isTrainingJobConfig({ trainingInput: {} }), true);
    assert.equal(isTrainingJobConfig('name: iris\ndata: {source: a.csv, label: y}\nmodel: {layers: []}\n'), false);
    assert.equal(isTrainingJobConfig('{"trainingInput": {"pythonModule": "t.task"}}'), true);
    assert.equal(isTrainingJobConfig('trainingInput: [unclosed'), false);
    assert.equal(isTrainingJobConfig(null), false);
  });
});
