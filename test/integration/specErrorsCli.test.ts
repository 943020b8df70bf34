/**
 * What a user sees from `model-lab train` when the spec or the data is wrong: exit code 2 (or 1 for
 * bad data), and one line per problem naming the file, line, column and field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './cliHarness';

const IRIS_CSV = readFileSync(join(ROOT, 'examples/iris/iris.csv'), 'utf8');

function project(spec: string, csv = IRIS_CSV): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ml-spec-'));
  writeFileSync(join(dir, 'iris.csv'), csv);
  writeFileSync(join(dir, 'modellab.yaml'), spec);
  return { dir, spec: join(dir, 'modellab.yaml') };
}

const GOOD = `name: iris
data:
  source: iris.csv
  label: species
model:
  layers:
    - { type: dense, units: 8, activation: relu }
training:
  epochs: 2
`;

async function trainFails(spec: string, csv?: string) {
  const p = project(spec, csv);
  const result = await runCli(['train', p.spec, '--workspace', p.dir]);
  return { ...result, file: p.spec };
}

test('invalid YAML: exit 2 with the line and column of the syntax error', async () => {
  const r = await trainFails(GOOD.replace('label: species', 'label: [species'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${r.file}:\\d+:\\d+: `));
});

test('unknown field: named, located, and the closest valid name suggested', async () => {
  const r = await trainFails(GOOD.replace('epochs: 2', 'epoch: 2'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${r.file}:9:3: training.epoch: unknown field 'epoch' \\(did you mean 'epochs'\\?\\)`));
});

test('wrong type: the field, what it must be and what it got', async () => {
  const r = await trainFails(GOOD.replace('epochs: 2', 'epochs: ten'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${r.file}:9:11: training.epochs: .*got string 'ten'`));
});

test('a placeholder with no hyperparameter is located', async () => {
  const r = await trainFails(GOOD.replace('units: 8', 'units: "{{hidden}}"'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${r.file}:7:\\d+: model.layers.0.units: .*hidden`));
});

test('a label that is not a column points at data.label and suggests the column', async () => {
  const r = await trainFails(GOOD.replace('label: species', 'label: specie'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${r.file}:4:10: data.label: .*'specie'.*did you mean 'species'`));
});

test('malformed CSV lines fail the run by default, listing file and line', async () => {
  const lines = IRIS_CSV.split('\n');
  lines[5] = '5.0,3.6,"1.4,0.2,setosa'; // an unclosed quote
  lines[9] = '4.4,2.9,1.4,0.2,setosa,extra';
  const r = await trainFails(GOOD, lines.join('\n'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /iris\.csv:10: /);
  assert.match(r.stderr, /bad record/);
});

test('with onBadRecord: skip the run succeeds and reports the skipped lines', async () => {
  const lines = IRIS_CSV.split('\n');
  lines[9] = '4.4,2.9,1.4,0.2,setosa,extra';
  const p = project(GOOD.replace('label: species', 'label: species\n  onBadRecord: skip'), lines.join('\n'));
  const r = await runCli(['train', p.spec, '--workspace', p.dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /skipped .*iris\.csv:10: /);
});

test('--help exists for every command', async () => {
  for (const command of ['train', 'predict', 'validate']) {
    const r = await runCli([command, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`Usage: model-lab ${command}`));
  }
});
