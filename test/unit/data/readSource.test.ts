import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOf, resolveSource } from '../../../src/runtime/data/readSource';
import { tempFiles } from './tempFiles';

const files = tempFiles();
after(() => files.remove());
for (const name of ['data/b.csv', 'data/a.csv', 'data/B2.csv', 'data/c.jsonl', 'data/sub/d.csv', 'data/notes.md', 'other/e.ndjson.gz']) files.write(name, 'x\n1\n');

test('the format comes from the extension, looking through .gz', () => {
  assert.equal(formatOf('x.csv'), 'csv');
  assert.equal(formatOf('X.CSV.GZ'), 'csv');
  assert.equal(formatOf('x.tsv'), 'csv');
  assert.equal(formatOf('x.jsonl'), 'jsonl');
  assert.equal(formatOf('x.ndjson.gz'), 'jsonl');
  assert.equal(formatOf('x.json'), 'jsonl');
  assert.equal(formatOf('x.parquet'), undefined);
});

test('a glob expands relative to the base folder, sorted by code unit', async () => {
  const found = await resolveSource('data/*.csv', files.dir);
  assert.deepEqual(found.map((f) => f.name), ['data/B2.csv', 'data/a.csv', 'data/b.csv']);
  assert.ok(found.every((f) => f.format === 'csv' && f.path.startsWith(files.dir)));
  const deep = await resolveSource('data/**/*.csv', files.dir);
  assert.deepEqual(deep.map((f) => f.name), ['data/B2.csv', 'data/a.csv', 'data/b.csv', 'data/sub/d.csv']);
});

test('a list keeps its order, each entry sorted, without duplicates; formats per file', async () => {
  const found = await resolveSource(['other/*.gz', 'data/c.jsonl', 'data/[ab].csv', 'data/a.csv'], files.dir);
  assert.deepEqual(
    found.map((f) => `${f.name}:${f.format}`),
    ['other/e.ndjson.gz:jsonl', 'data/c.jsonl:jsonl', 'data/a.csv:csv', 'data/b.csv:csv'],
  );
});

test('data.format overrides the extension', async () => {
  const found = await resolveSource('data/notes.md', files.dir, 'csv');
  assert.deepEqual(found.map((f) => f.format), ['csv']);
});

test('errors name the pattern that matched nothing, folders, unknown formats and remote sources', async () => {
  await assert.rejects(resolveSource('data/*.parquet', files.dir), /data source 'data\/\*.parquet' matches no file/);
  await assert.rejects(resolveSource('data/missing.csv', files.dir), /data source 'data\/missing.csv' matches no file/);
  await assert.rejects(resolveSource('data', files.dir), /'data' is a folder; name its files, e.g. 'data\/\*.csv'/);
  await assert.rejects(resolveSource('data/*', files.dir), /data\/notes.md: unknown data format/);
  await assert.rejects(resolveSource('gs://bucket/x.csv', files.dir), /remote sources are not read directly/);
  await assert.rejects(resolveSource([], files.dir), /data.source is empty/);
});
