/** Data to model inputs end to end: a CSV read, split, analyzed on the training split, applied to both. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../../src/runtime/data/loadDataset';
import { analyzeTransform } from '../../../src/runtime/transform/analyze';
import { applyTransform, encodeLabels } from '../../../src/runtime/transform/apply';
import type { FittedTransform } from '../../../src/runtime/transform/fittedTransform';
import { tempFiles } from '../data/tempFiles';

const files = tempFiles('modellab-transform-');
after(() => files.remove());

test('quoted digits in a CSV are class names, sorted numerically; a TSV gets a tab delimiter', async () => {
  const rows = Array.from({ length: 30 }, (_, i) => `${i}\t${i % 4 === 0 ? '' : `c${i % 3}`}\t"${[2, 10, 9][i % 3]}"`);
  files.write('digits.tsv', `x\tcolor\tdigit\n${rows.join('\n')}\n`);
  const data = await loadDataset({ source: 'digits.tsv', label: 'digit', split: { eval: 0.2, seed: 5 } }, files.dir);
  assert.deepEqual(data.columns.map((c) => `${c.name}:${c.type}:${c.missing}`), ['x:number:0', 'color:string:8', 'digit:string:0']);
  const t = analyzeTransform(data.train, data.columns, undefined, 'digit', undefined);
  assert.deepEqual(t.label, { column: 'digit', task: 'classification', classes: ['2', '9', '10'] });
  const reloaded = JSON.parse(JSON.stringify(t)) as FittedTransform;
  for (const part of [data.train, data.eval]) {
    const x = applyTransform(reloaded, part);
    assert.equal(x.length, part.length * t.inputWidth);
    assert.deepEqual(x, applyTransform(t, part));
    assert.equal(encodeLabels(t, part).length, part.length * 3);
  }
});
