import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DataError } from '../../../src/runtime/data/dataError';
import { loadDataset } from '../../../src/runtime/data/loadDataset';
import { tempFiles } from './tempFiles';

const files = tempFiles();
after(() => files.remove());

const rows = Array.from({ length: 50 }, (_, i) => `${i},${i % 3 === 0 ? 'red' : 'blue'},${i % 2 === 0 ? 'yes' : 'no'}`);
const irisLike = `id,color,label\n${rows.join('\n')}\n`;
files.write('main.csv', irisLike);

test('reads, infers columns, splits by fraction deterministically, and fingerprints the files', async () => {
  const a = await loadDataset({ source: 'main.csv', label: 'label', split: { eval: 0.2, seed: 3 } }, files.dir);
  const b = await loadDataset({ source: 'main.csv', label: 'label', split: { eval: 0.2, seed: 3 } }, files.dir);
  const c = await loadDataset({ source: 'main.csv', label: 'label', split: { eval: 0.2, seed: 4 } }, files.dir);
  assert.equal(a.train.length, 40);
  assert.equal(a.eval.length, 10);
  assert.deepEqual(a.eval, b.eval);
  assert.notDeepEqual(a.eval.map((r) => r.id), c.eval.map((r) => r.id));
  assert.deepEqual(a.columns, [
    { name: 'id', type: 'number', missing: 0, distinct: 50 },
    { name: 'color', type: 'string', missing: 0, distinct: 2 },
    { name: 'label', type: 'string', missing: 0, distinct: 2 },
  ]);
  assert.deepEqual(a.files, [{ path: 'main.csv', bytes: Buffer.byteLength(irisLike), sha256: createHash('sha256').update(irisLike).digest('hex') }]);
  assert.deepEqual(a.skipped, []);
});

test('without a split, a fifth is held out with seed 0', async () => {
  const d = await loadDataset({ source: 'main.csv', label: 'label' }, files.dir);
  const e = await loadDataset({ source: 'main.csv', label: 'label', split: { eval: 0.2, seed: 0 } }, files.dir);
  assert.equal(d.eval.length, 10);
  assert.deepEqual(d.eval, e.eval);
});

test('a separate eval source', async () => {
  files.write('held.jsonl', '{"id":100,"color":"red","label":"yes"}\n{"id":101,"color":"blue","label":"no"}\n');
  const d = await loadDataset({ source: 'main.csv', label: 'label', split: { eval: 'held.jsonl' } }, files.dir);
  assert.equal(d.train.length, 50);
  assert.deepEqual(d.eval.map((r) => r.id), [100, 101]);
  assert.deepEqual(d.files.map((f) => f.path), ['main.csv', 'held.jsonl']);
});

test('bad records fail the load by default, listing the first five as file:line: reason: text and the total', async () => {
  const lines = ['a,label', '1,x', '2', '3,y,z', '4,', '5,"q"w', '6', '7', '8,ok'];
  files.write('bad.csv', `${lines.join('\n')}\n`);
  await assert.rejects(loadDataset({ source: 'bad.csv', label: 'label' }, files.dir), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.equal(err.total, 6);
    assert.equal(
      err.message,
      [
        '6 bad records in the data:',
        '  bad.csv:3: expected 2 fields, found 1: 2',
        '  bad.csv:4: expected 2 fields, found 3: 3,y,z',
        "  bad.csv:5: the label 'label' is missing: 4,",
        '  bad.csv:6: unexpected text after the closing quote of field 2: 5,"q"w',
        '  bad.csv:7: expected 2 fields, found 1: 6',
        '  … and 1 more',
        'Fix them, or set data.onBadRecord: skip to leave them out.',
      ].join('\n'),
    );
    assert.equal(err.records.length, 5);
    return true;
  });
});

test('onBadRecord: skip keeps going and lists every skipped record', async () => {
  const d = await loadDataset({ source: 'bad.csv', label: 'label', onBadRecord: 'skip', split: { eval: 0 } }, files.dir);
  assert.deepEqual(d.train, [
    { a: 1, label: 'x' },
    { a: 8, label: 'ok' },
  ]);
  assert.deepEqual(d.skipped.map((b) => b.line), [3, 4, 5, 6, 7, 8]);
});

test('a label column that is not in the data is an error naming the closest column', async () => {
  await assert.rejects(loadDataset({ source: 'main.csv', label: 'labels' }, files.dir), (err: unknown) => {
    assert.ok(err instanceof DataError);
    assert.equal(err.message, "the label column 'labels' is not in the data (columns: id, color, label) (did you mean 'label'?)");
    assert.equal(err.suggestion, 'label');
    return true;
  });
});

test('with the spec file known, spec errors are located in it', async () => {
  const locate = (path: string) => (path === 'data.label' ? { line: 4, column: 10 } : { line: 3, column: 11 });
  await assert.rejects(
    loadDataset({ source: 'main.csv', label: 'colour' }, files.dir, { specFile: 'modellab.yaml', locate }),
    /^DataError: modellab.yaml:4:10: data.label: the label column 'colour' is not in the data \(columns: id, color, label\) \(did you mean 'color'\?\)$/,
  );
  await assert.rejects(
    loadDataset({ source: 'nothing/*.csv', label: 'x' }, files.dir, { specFile: 'modellab.yaml', locate }),
    /^DataError: modellab.yaml:3:11: data.source: data source 'nothing\/\*.csv' matches no file/,
  );
});

test('progress is reported and an abort stops the load', async () => {
  const seen: number[] = [];
  await loadDataset({ source: 'main.csv', label: 'label' }, files.dir, { onProgress: (n) => seen.push(n) });
  assert.deepEqual(seen, [50]);
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(loadDataset({ source: 'main.csv', label: 'label' }, files.dir, { signal: controller.signal }), /stop/);
});

test('an eval fraction outside [0, 1) and an empty data set are errors', async () => {
  await assert.rejects(loadDataset({ source: 'main.csv', label: 'label', split: { eval: 1.5 } }, files.dir), /\[0, 1\)/);
  files.write('empty.csv', 'a,label\n');
  await assert.rejects(loadDataset({ source: 'empty.csv', label: 'label' }, files.dir), /no records in empty.csv/);
});
