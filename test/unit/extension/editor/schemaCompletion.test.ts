import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { completionsAt } from '../../../../src/extension/editor/schemaCompletion';
import { cursorContext } from '../../../../src/extension/editor/yamlCursor';

const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/modellab.schema.json'), 'utf8')) as Record<string, unknown>;

/** The text with `|` removed, and the offset where it was. */
function at(textWithCursor: string): [string, number] {
  const offset = textWithCursor.indexOf('|');
  assert.ok(offset >= 0, 'the test text needs a | for the cursor');
  return [textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset];
}

function labels(textWithCursor: string): string[] {
  const [text, offset] = at(textWithCursor);
  return completionsAt(schema, text, offset).map((c) => c.label);
}

describe('cursorContext: the YAML path at the cursor', () => {
  it('finds a key being typed in a nested block mapping (which parses as a scalar value without the marker)', () => {
    const [text, offset] = at('name: x\ntraining:\n  epochs: 3\n  opt|\n');
    const context = cursorContext(text, offset);
    assert.equal(context?.kind, 'key');
    assert.deepEqual(context?.path, ['training']);
    assert.equal(context?.word.text, 'opt');
    assert.deepEqual(context?.siblings, { epochs: 3 });
  });

  it('finds a key in a list item, block and flow style', () => {
    assert.deepEqual(cursorContext(...at('model:\n  layers:\n    - type: dense\n      un|\n'))?.path, ['model', 'layers', 0]);
    assert.deepEqual(cursorContext(...at('model:\n  layers:\n    - { type: dense }\n    - { type: dropout, r| }\n'))?.path, ['model', 'layers', 1]);
  });

  it('finds the field whose value is typed', () => {
    const context = cursorContext(...at('model:\n  layers:\n    - { type: dense, activation: re| }\n'));
    assert.equal(context?.kind, 'value');
    assert.deepEqual(context?.path, ['model', 'layers', 0, 'activation']);
    assert.deepEqual(context?.siblings, { type: 'dense' });
  });

  it('offers nothing inside a comment', () => {
    assert.equal(cursorContext(...at('name: x # a comm|ent\n')), undefined);
  });
});

describe('completionsAt: property names and enum values from the schema', () => {
  it('lists the top-level fields not yet written, required ones first', () => {
    const got = labels('name: x\n|\n');
    assert.deepEqual(got.slice(0, 2), ['data', 'model']);
    assert.ok(got.includes('training') && got.includes('hyperparameters') && got.includes('features'));
    assert.ok(!got.includes('name'), 'name is already there');
  });

  it("follows model's if/then/else to the layers model, and a layer's type to its own fields", () => {
    assert.ok(labels('model:\n  |\n').includes('layers'));
    const dense = labels('model:\n  layers:\n    - type: dense\n      |\n');
    assert.ok(dense.includes('units') && dense.includes('activation') && dense.includes('useBias'), dense.join());
    const dropout = labels('model:\n  layers:\n    - { type: dropout, | }\n');
    assert.ok(dropout.includes('rate') && !dropout.includes('units'), dropout.join());
  });

  it('lists enum values for a value, through $ref and anyOf', () => {
    assert.ok(labels('model:\n  layers:\n    - { type: dense, activation: | }\n').includes('relu'));
    assert.deepEqual(labels('training:\n  optimizer: { type: a| }\n').includes('adam'), true);
    assert.ok(labels('features:\n  sepal_length: |\n').includes('zscore'));
    assert.ok(labels('hyperparameters:\n  goal: |\n').includes('MINIMIZE'));
  });

  it('replaces the whole word under the cursor and inserts `key: ` for properties', () => {
    const [text, offset] = at('training:\n  epo|c\n');
    const item = completionsAt(schema, text, offset).find((c) => c.label === 'epochs');
    assert.ok(item);
    assert.equal(item.insertText, 'epochs: ');
    assert.equal(text.slice(item.replace.start, item.replace.end), 'epoc');
    assert.ok(item.documentation && item.documentation.length > 0);
  });
});
