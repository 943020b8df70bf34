import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemRanges } from '../../../../src/extension/editor/problemRanges';
import { validateSpecText } from '../../../../src/extension/editor/specProblems';
import { isJobSpecPath } from '../../../../src/extension/editor/specFiles';

const FILE = '/w/modellab.yaml';
const VALID = `name: iris
data:
  source: iris.csv
  label: species
model:
  layers:
    - { type: dense, units: 8, activation: relu }
training:
  epochs: 3
`;

describe('validateSpecText: the runtime validator, for the editor', () => {
  it('accepts a valid spec', () => {
    assert.deepEqual(validateSpecText(VALID, FILE), []);
  });

  it("places a misspelt field on its key's word, with the suggestion in the message", () => {
    const text = VALID.replace('epochs: 3', 'epoch: 3');
    const problems = validateSpecText(text, FILE);
    assert.equal(problems.length, 1);
    const [range] = problemRanges(problems, text);
    assert.deepEqual([range.line, range.character, range.endCharacter], [8, 2, 7]);
    assert.match(range.message, /epoch/);
    assert.match(range.message, /did you mean 'epochs'/);
    assert.equal(range.path, 'training.epoch');
  });

  it('places a wrong value on the value, inside a flow mapping', () => {
    const text = VALID.replace('activation: relu', 'activation: rleu');
    const [range] = problemRanges(validateSpecText(text, FILE), text);
    assert.equal(range.line, 6);
    assert.equal(text.split('\n')[6].slice(range.character, range.endCharacter), 'rleu');
  });

  it('reports YAML syntax errors with a position', () => {
    const problems = validateSpecText('name: [unclosed\n', FILE);
    assert.ok(problems.length > 0);
    assert.match(problems[0].message, /invalid YAML/);
    assert.ok(problems[0].line >= 1);
  });
});

describe('isJobSpecPath', () => {
  it('knows modellab.yaml and *.modellab.yaml, on either slash', () => {
    assert.equal(isJobSpecPath('/a/modellab.yaml'), true);
    assert.equal(isJobSpecPath('C:\\a\\digits-mlp.modellab.yml'), true);
    assert.equal(isJobSpecPath('/a/notmodellab.yaml'), false);
    assert.equal(isJobSpecPath('/a/config.yaml'), false);
  });
});
