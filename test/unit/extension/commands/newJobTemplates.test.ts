import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freeFolder, listTemplates, scaffold } from '../../../../src/extension/commands/newJobTemplates';
import { validateSpecText } from '../../../../src/extension/editor/specProblems';

const examples = join(__dirname, '../../../../examples');
const schema = join(__dirname, '../../../../schemas/modellab.schema.json');
const target = mkdtempSync(join(tmpdir(), 'modellab-newjob-'));
after(() => rmSync(target, { recursive: true, force: true }));

describe('New Job templates (the shipped examples)', () => {
  it('lists the examples that have a job spec, iris first, with their README title', () => {
    const templates = listTemplates(examples);
    assert.equal(templates[0].name, 'iris');
    assert.equal(templates[0].title, 'Iris');
    assert.match(templates[0].description, /150 rows/);
    const names = templates.map((t) => t.name);
    assert.ok(names.includes('digits') && names.includes('iris-trainer'));
    assert.ok(!names.includes('sklearn-trainer'), 'a Cloud config without a modellab spec is not a job template');
    assert.deepEqual(templates.find((t) => t.name === 'digits')?.specs, ['modellab.yaml', 'digits-mlp.modellab.yaml']);
  });

  it('scaffolds a template that reads a sibling example: the data is copied in and the spec still validates', () => {
    const template = listTemplates(examples).find((t) => t.name === 'iris-trainer');
    assert.ok(template);
    const dir = freeFolder(target, template.name);
    const [spec] = scaffold(template, dir, schema);
    const text = readFileSync(spec, 'utf8');
    assert.match(text, /source: iris\.csv/);
    assert.ok(text.includes(`$schema=file://${schema}`), text.split('\n')[0]);
    assert.ok(existsSync(join(dir, 'iris.csv')) && existsSync(join(dir, 'trainer.ts')));
    assert.deepEqual(validateSpecText(text, spec), []);
    assert.equal(freeFolder(target, template.name), join(target, 'iris-trainer-2'));
  });
});
