import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadJobSpec, parseJobSpecText } from '../../../src/runtime/spec/loadJobSpec';
import { SpecError, formatSpecProblem } from '../../../src/runtime/spec/specError';
import { BASE, FILE, problemAt, problemsOf, withHyperparameters } from './specTestUtils';

describe('loadJobSpec: valid specs', () => {
  it('loads a YAML spec and reports where it lives', () => {
    const loaded = parseJobSpecText(BASE, FILE);
    assert.equal(loaded.spec.name, 'iris');
    assert.equal(loaded.file, FILE);
    assert.equal(loaded.baseDir, '/work/project');
    assert.deepEqual(loaded.spec.model, { head: 'auto', layers: [{ type: 'dense', units: 16, activation: 'relu' }] });
    assert.deepEqual(loaded.hyperparameters, {});
  });

  it('reads JSON, and places JSON problems by line and column', () => {
    const json = JSON.stringify({ name: 'iris', data: { source: 'a.csv', label: 'y' }, model: { layers: [] } }, null, 2);
    assert.equal(parseJobSpecText(json, '/p/modellab.json').spec.data.label, 'y');

    const bad = '{\n  "name": "iris",\n  "data": { "source": "a.csv", "label": "y" },\n  "model": { "layers": [] },\n  "training": { "epoch": 3 }\n}\n';
    const p = problemAt(problemsOf(bad), 'training.epoch');
    assert.deepEqual([p.line, p.column, p.suggestion], [5, 17, 'epochs']);
  });

  it('applies the defaults the engine relies on', () => {
    const loaded = parseJobSpecText(withHyperparameters('  params:\n    - { parameterName: units, type: INTEGER, minValue: 8, maxValue: 64 }\n'), FILE);
    assert.equal(loaded.spec.data.onBadRecord, 'fail');
    assert.equal('layers' in loaded.spec.model && loaded.spec.model.head, 'auto');
    const { params: _params, ...rest } = loaded.spec.hyperparameters ?? { params: [] };
    assert.deepEqual(rest, {
      goal: 'MAXIMIZE',
      hyperparameterMetricTag: 'training/hptuning/metric',
      maxTrials: 1,
      maxParallelTrials: 1,
      maxFailedTrials: 0,
      algorithm: 'ALGORITHM_UNSPECIFIED',
    });
  });

  it('keeps values the spec sets over the defaults', () => {
    const text = withHyperparameters(`  goal: MINIMIZE
  hyperparameterMetricTag: val_loss
  algorithm: RANDOM_SEARCH
  params:
    - { parameterName: units, type: INTEGER, minValue: 8, maxValue: 64 }
`).replace('  label: species\n', '  label: species\n  onBadRecord: skip\n');
    const spec = parseJobSpecText(text, FILE).spec;
    assert.equal(spec.hyperparameters?.goal, 'MINIMIZE');
    assert.equal(spec.hyperparameters?.hyperparameterMetricTag, 'val_loss');
    assert.equal(spec.hyperparameters?.algorithm, 'RANDOM_SEARCH');
    assert.equal(spec.data.onBadRecord, 'skip');
  });

  it('accepts int64/int32 fields as numeric strings, like the Cloud ML Engine API, and makes them numbers', () => {
    const spec = parseJobSpecText(withHyperparameters(`  maxTrials: "20"
  maxParallelTrials: '4'
  maxFailedTrials: 2
  params:
    - { parameterName: units, type: INTEGER, minValue: 8, maxValue: 64 }
`), FILE).spec;
    assert.equal(spec.hyperparameters?.maxTrials, 20);
    assert.equal(spec.hyperparameters?.maxParallelTrials, 4);
    assert.equal(spec.hyperparameters?.maxFailedTrials, 2);
  });

  it('rejects an int64 string that is not a whole number', () => {
    const p = problemAt(problemsOf(withHyperparameters('  maxTrials: "twenty"\n  params: [{ parameterName: u, type: INTEGER, minValue: 1, maxValue: 2 }]\n')), 'hyperparameters.maxTrials');
    assert.match(p.message, /must be a whole number.*got string 'twenty'/);
    assert.deepEqual([p.line, p.column], [11, 14]);
  });

  it('accepts and drops a $schema key, which JSON editors use', () => {
    const spec = parseJobSpecText(`$schema: ../schemas/modellab.schema.json\n${BASE}`, FILE).spec;
    assert.equal('$schema' in spec, false);
  });

  it('accepts the full example from ARCHITECTURE.md', () => {
    const text = `name: iris
data:
  source: data/iris.csv
  label: species
  split: { eval: 0.2, seed: 7 }
features:
  sepal_length: zscore
  petal_width: zscore
  "pixel_*": { transform: minmax, fill: mean }
model:
  layers:
    - { type: dense, units: "{{hidden_units}}", activation: relu }
    - { type: dropout, rate: 0.1 }
training:
  epochs: 50
  batchSize: 32
  optimizer: { type: adam, learningRate: "{{learning_rate}}" }
  earlyStopping: { monitor: val_accuracy, patience: 5 }
hyperparameters:
  goal: MAXIMIZE
  hyperparameterMetricTag: val_accuracy
  maxTrials: 20
  maxParallelTrials: 2
  enableTrialEarlyStopping: true
  params:
    - { parameterName: learning_rate, type: DOUBLE, minValue: 0.0001, maxValue: 0.1, scaleType: UNIT_LOG_SCALE }
    - { parameterName: hidden_units, type: INTEGER, minValue: 8, maxValue: 128 }
`;
    const loaded = parseJobSpecText(text, FILE);
    assert.equal(loaded.hyperparameters.hidden_units, 68);
    assert.ok(Math.abs(Number(loaded.hyperparameters.learning_rate) - Math.sqrt(0.0001 * 0.1)) < 1e-12);
    assert.deepEqual(loaded.spec.training?.optimizer, { type: 'adam', learningRate: loaded.hyperparameters.learning_rate });
  });

  it('accepts a trainer module instead of layers', () => {
    const spec = parseJobSpecText(BASE.replace('  layers:\n    - { type: dense, units: 16, activation: relu }\n', '  trainer: trainer/model.ts\n'), FILE).spec;
    assert.deepEqual(spec.model, { trainer: 'trainer/model.ts' });
  });
});

describe('loadJobSpec: problems name file, line, column and field', () => {
  it('reports invalid YAML at the syntax error', () => {
    const problems = problemsOf('name: iris\ndata:\n  source: a.csv\n  label: y\nmodel: {layers: [{type: dense, units: 3}\ntraining:\n  epochs: 1\n');
    assert.ok(problems.length >= 1);
    assert.equal(problems[0].file, FILE);
    assert.deepEqual([problems[0].line, problems[0].column], [6, 1]);
    assert.match(problems[0].message, /^invalid YAML: Flow (sequence|map)/);
  });

  it('reports an unterminated string', () => {
    const [p] = problemsOf('name: "iris\ndata: {}\n');
    assert.ok(p.line > 0 && p.column > 0);
    assert.match(p.message, /^invalid YAML: .*quote/);
  });

  it('reports a duplicated key', () => {
    const [p] = problemsOf(`${BASE}  epochs: 20\n`);
    assert.equal(p.line, 10);
    assert.match(p.message, /unique/);
  });

  it('names an unknown field and suggests the right one', () => {
    const problems = problemsOf(BASE.replace('  epochs: 10', '  epoch: 10'));
    const p = problemAt(problems, 'training.epoch');
    assert.equal(p.message, "unknown field 'epoch'");
    assert.equal(p.suggestion, 'epochs');
    assert.deepEqual([p.file, p.line, p.column], [FILE, 9, 3]);
    assert.equal(formatSpecProblem(p), `${FILE}:9:3: training.epoch: unknown field 'epoch' (did you mean 'epochs'?)`);
  });

  it('says what type a field needs and what it got', () => {
    const p = problemAt(problemsOf(BASE.replace('epochs: 10', 'epochs: "ten"')), 'training.epochs');
    assert.equal(p.message, "must be a whole number or a {{placeholder}}, got string 'ten'");
    assert.deepEqual([p.line, p.column], [9, 11]);
  });

  it('says when a number is out of range', () => {
    const p = problemAt(problemsOf(BASE.replace('epochs: 10', 'epochs: 0')), 'training.epochs');
    assert.equal(p.message, 'must be at least 1, got number 0');
  });

  it('names an unknown layer type and suggests the closest', () => {
    const p = problemAt(problemsOf(BASE.replace('type: dense', 'type: desne')), 'model.layers.0.type');
    assert.match(p.message, /^unknown layer type 'desne'/);
    assert.equal(p.suggestion, 'dense');
    assert.deepEqual([p.line, p.column], [7, 15]);
  });

  it('checks a layer against its own type only', () => {
    const problems = problemsOf(BASE.replace('{ type: dense, units: 16, activation: relu }', '{ type: dropout, units: 16 }'));
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [
      ['model.layers.0.rate', "missing required field 'rate'"],
      ['model.layers.0.units', "unknown field 'units' in a dropout layer"],
    ]);
  });

  it('names unknown activations, transforms and optimizers with suggestions', () => {
    const text = BASE.replace('activation: relu', 'activation: rleu')
      .replace('model:', 'features:\n  sepal_length: zscor\n  petal: { transform: vocab }\nmodel:')
      .concat('  optimizer: adm\n  earlyStopping: { monitr: val_loss }\n');
    const problems = problemsOf(text);
    assert.deepEqual(problems.map((p) => [p.path, p.suggestion]), [
      ['features.sepal_length', 'zscore'],
      ['features.petal.transform', 'vocabulary'],
      ['model.layers.0.activation', 'relu'],
      ['training.optimizer', 'adam'],
      ['training.earlyStopping.monitr', 'monitor'],
    ]);
    assert.match(problems[3].message, /^unknown optimizer 'adm'/);
  });

  it('explains a value that fits none of the forms a field accepts', () => {
    const p = problemAt(problemsOf(`${BASE}  optimizer: 5\n`), 'training.optimizer');
    assert.equal(p.message, 'must be an optimizer name, a {{placeholder}} or a mapping, got number 5');
  });

  it('reports a missing required field at its parent', () => {
    const p = problemAt(problemsOf(BASE.replace('  label: species\n', '')), 'data.label');
    assert.equal(p.message, "missing required field 'label'");
    assert.deepEqual([p.line, p.column], [2, 1]);
  });

  it('reports every problem at once, sorted by position', () => {
    const text = BASE.replace('type: dense', 'type: desne').replace('epochs: 10', 'epochs: -1').replace('name: iris', 'name: iris\ncolour: blue');
    const problems = problemsOf(text);
    assert.deepEqual(problems.map((p) => p.path), ['colour', 'model.layers.0.type', 'training.epochs']);
    assert.deepEqual(problems.map((p) => p.line), [2, 8, 10]);
  });

  it('rejects an empty spec', () => {
    const [p] = problemsOf('# nothing here\n');
    assert.match(p.message, /empty/);
  });

  it('rejects a spec that is not a mapping', () => {
    const [p] = problemsOf('- a\n- b\n');
    assert.equal(p.message, 'must be a mapping, got a list of 2 items');
    assert.deepEqual([p.line, p.column], [1, 1]);
  });

  it('locates fields for later stages, by dotted path', () => {
    const loaded = parseJobSpecText(BASE.replace('model:', 'features:\n  sepal.length: zscore\nmodel:'), FILE);
    assert.deepEqual(loaded.locate('data.label'), { line: 4, column: 10 });
    assert.deepEqual(loaded.locate('features.sepal.length'), { line: 6, column: 17 });
    assert.deepEqual(loaded.locate('model.layers.0.units'), { line: 9, column: 29 });
    // Not in the file: the nearest ancestor that is.
    assert.deepEqual(loaded.locate('data.split.eval'), { line: 2, column: 1 });
  });

  it('locates fields reached through a YAML alias', () => {
    const text = BASE.replace('model:\n  layers:\n    - { type: dense, units: 16, activation: relu }', 'model:\n  layers:\n    - &hidden { type: dense, units: "sixteen" }\n    - *hidden');
    const problems = problemsOf(text);
    assert.deepEqual(problems.map((p) => [p.path, p.line]), [['model.layers.0.units', 7], ['model.layers.1.units', 7]]);
  });
});

describe('loadJobSpec: placeholders', () => {
  const tuned = (layers: string, params: string) =>
    withHyperparameters(params, BASE.replace('    - { type: dense, units: 16, activation: relu }\n', layers));

  it('substitutes a lone placeholder with its typed value, and interpolates one inside a string', () => {
    const text = tuned('    - { type: dense, units: "{{ units }}", activation: "{{act}}" }\n', `  params:
    - { parameterName: units, type: INTEGER, minValue: 8, maxValue: 64 }
    - { parameterName: act, type: CATEGORICAL, categoricalValues: [tanh, relu] }
`).replace('name: iris', 'name: "iris-{{units}}-{{act}}"');
    const loaded = parseJobSpecText(text, FILE);
    assert.deepEqual(loaded.spec.model, { head: 'auto', layers: [{ type: 'dense', units: 36, activation: 'tanh' }] });
    assert.equal(loaded.spec.name, 'iris-36-tanh');
    assert.deepEqual(loaded.hyperparameters, { units: 36, act: 'tanh' });
  });

  it('uses explicit values, converting numeric strings', () => {
    const text = tuned('    - { type: dense, units: "{{units}}" }\n', '  params:\n    - { parameterName: units, type: INTEGER, minValue: 8, maxValue: 64 }\n');
    assert.deepEqual(parseJobSpecText(text, FILE, { hyperparameters: { units: '12' } }).spec.model, { head: 'auto', layers: [{ type: 'dense', units: 12 }] });
  });

  it('rejects a placeholder that names no hyperparameter, at its position, with a suggestion', () => {
    const text = tuned('    - { type: dense, units: "{{hiden_units}}" }\n', '  params:\n    - { parameterName: hidden_units, type: INTEGER, minValue: 8, maxValue: 64 }\n');
    const p = problemAt(problemsOf(text), 'model.layers.0.units');
    assert.equal(p.message, "placeholder '{{hiden_units}}' names no hyperparameter in hyperparameters.params");
    assert.equal(p.suggestion, 'hidden_units');
    assert.deepEqual([p.line, p.column], [7, 29]);
  });

  it('rejects a placeholder when the spec has no hyperparameters', () => {
    const p = problemAt(problemsOf(BASE.replace('units: 16', 'units: "{{units}}"')), 'model.layers.0.units');
    assert.match(p.message, /no hyperparameters.params/);
  });

  it('rejects a malformed placeholder', () => {
    const p = problemAt(problemsOf(BASE.replace('units: 16', 'units: "{{hidden units}}"')), 'model.layers.0.units');
    assert.match(p.message, /^must be a placeholder \{\{name\}\}.*got string '\{\{hidden units\}\}'/);
    const q = problemAt(problemsOf(BASE.replace('name: iris', 'name: "iris-{{1x}}"')), 'name');
    assert.match(q.message, /'\{\{1x\}\}' is not a valid placeholder/);
  });

  it('rejects explicit values that do not fit their parameter', () => {
    const text = tuned('    - { type: dense, units: "{{units}}", activation: "{{act}}" }\n', `  params:
    - { parameterName: units, type: INTEGER, minValue: 8, maxValue: 64 }
    - { parameterName: act, type: CATEGORICAL, categoricalValues: [tanh, relu] }
`);
    const problems = problemsOf(text, { hyperparameters: { units: 100, act: 'gelu', unit: 3 } });
    assert.deepEqual(problems.map((p) => [p.path, p.message, p.suggestion]), [
      ['hyperparameters.params', "a value was given for 'unit', but no hyperparameters.params entry has that parameterName", 'units'],
      ['hyperparameters.params.0', "hyperparameter 'units' = 100 is outside its range [8, 64]", undefined],
      ['hyperparameters.params.1', "hyperparameter 'act' = \"gelu\" is not one of its categoricalValues ('tanh', 'relu')", undefined],
    ]);
    assert.match(problemsOf(text, { hyperparameters: { units: 9.5 } })[0].message, /must be a whole number/);
  });

  it('checks the substituted value against the field', () => {
    const text = tuned('    - { type: dense, units: "{{act}}" }\n', '  params:\n    - { parameterName: act, type: CATEGORICAL, categoricalValues: [relu] }\n');
    const p = problemAt(problemsOf(text), 'model.layers.0.units');
    assert.match(p.message, /^must be a whole number.*got string 'relu' \(from \{\{act\}\} = "relu"\)$/);
    assert.equal(p.line, 7);
  });

  it('leaves the hyperparameters section itself alone', () => {
    const text = withHyperparameters('  hyperparameterMetricTag: "{{not_a_param}}"\n  params:\n    - { parameterName: u, type: INTEGER, minValue: 1, maxValue: 3 }\n');
    assert.equal(parseJobSpecText(text, FILE).spec.hyperparameters?.hyperparameterMetricTag, '{{not_a_param}}');
  });
});

describe('loadJobSpec: files', () => {
  it('reads a file, and names it in problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modellab-spec-'));
    try {
      const file = join(dir, 'modellab.yaml');
      writeFileSync(file, BASE);
      const loaded = await loadJobSpec(file);
      assert.equal(loaded.file, file);
      assert.equal(loaded.baseDir, dir);
      writeFileSync(file, BASE.replace('epochs', 'epoch'));
      await assert.rejects(loadJobSpec(file), (e: unknown) => e instanceof SpecError && e.problems[0].file === file && e.message.startsWith(`${file}:9:3:`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing file as a SpecError without a position', async () => {
    await assert.rejects(loadJobSpec('/nonexistent/modellab.yaml'), (e: unknown) => {
      assert.ok(e instanceof SpecError);
      assert.deepEqual([e.problems[0].line, e.problems[0].message], [0, 'cannot read the job spec: file not found']);
      return true;
    });
  });
});
