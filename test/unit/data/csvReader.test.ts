import { after, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { csvValue, readCsv } from '../../../src/runtime/data/csvReader';
import { DataError } from '../../../src/runtime/data/dataError';
import type { ReadItem } from '../../../src/runtime/data/readItem';
import { collect, tempFiles } from './tempFiles';

const files = tempFiles();
after(() => files.remove());

function records(items: ReadItem[]) {
  return items.flatMap((i) => ('record' in i ? [{ ...i.record, _line: i.origin.line }] : []));
}
function bads(items: ReadItem[]) {
  return items.flatMap((i) => ('bad' in i ? [`${i.bad.file}:${i.bad.line}: ${i.bad.reason}: ${i.bad.text}`] : []));
}

test('values: unquoted numbers become numbers, quoted text stays text, empty is null', () => {
  assert.equal(csvValue('3.5', false), 3.5);
  assert.equal(csvValue('-1e3', false), -1000);
  assert.equal(csvValue(' 42 ', false), 42);
  assert.equal(csvValue('7', true), '7');
  assert.equal(csvValue('0x1F', false), '0x1F');
  assert.equal(csvValue('NaN', false), 'NaN');
  assert.equal(csvValue('', false), null);
  assert.equal(csvValue('  ', true), null);
  assert.equal(csvValue('setosa', false), 'setosa');
});

test('reads a CSV with a header, quoted commas and multi-line fields, with the right origins', async () => {
  const path = files.write('quoted.csv', 'id,text,score\n1,"a, b",0.5\n2,"line one\nline two",\n3,plain,"9"\n');
  const items = await collect(readCsv(path, {}, { name: 'quoted.csv' }));
  assert.deepEqual(records(items), [
    { id: 1, text: 'a, b', score: 0.5, _line: 2 },
    { id: 2, text: 'line one\nline two', score: null, _line: 3 },
    { id: 3, text: 'plain', score: '9', _line: 5 },
  ]);
  assert.deepEqual(items.map((i) => ('record' in i ? i.origin.file : '')), ['quoted.csv', 'quoted.csv', 'quoted.csv']);
});

test('reads .csv.gz through zlib', async () => {
  const path = files.write('small.csv.gz', 'a,b\n1,x\n2,y\n');
  const items = await collect(readCsv(path));
  assert.deepEqual(records(items), [
    { a: 1, b: 'x', _line: 2 },
    { a: 2, b: 'y', _line: 3 },
  ]);
});

test('rows with the wrong number of fields or broken quoting are bad records with file and line', async () => {
  const text = 'a,b,c\n1,2,3\n4,5\n"multi\nline",6,7\n8,9,10,11\n12,"bad"x,13\n14,15,16\n';
  const items = await collect(readCsv(files.write('bad.csv', text), {}, { name: 'data/bad.csv' }));
  assert.deepEqual(records(items).map((r) => r._line), [2, 4, 8]);
  assert.deepEqual(bads(items), [
    'data/bad.csv:3: expected 3 fields, found 2: 4,5',
    'data/bad.csv:6: expected 3 fields, found 4: 8,9,10,11',
    'data/bad.csv:7: unexpected text after the closing quote of field 2: 12,"bad"x,13',
  ]);
});

test('header: false with csv.columns; a delimiter; csv.columns renaming a header row', async () => {
  const path = files.write('noheader.csv', '1;x\n2;y\n');
  const items = await collect(readCsv(path, { header: false, columns: ['n', 's'], delimiter: ';' }));
  assert.deepEqual(records(items), [
    { n: 1, s: 'x', _line: 1 },
    { n: 2, s: 'y', _line: 2 },
  ]);
  const renamed = await collect(readCsv(files.write('rename.csv', 'A,B\n1,2\n'), { columns: ['a', 'b'] }));
  assert.deepEqual(records(renamed), [{ a: 1, b: 2, _line: 2 }]);
});

test('header problems are errors that name the file and line', async () => {
  await assert.rejects(collect(readCsv(files.write('h1.csv', 'a,b\n'), { header: false })), /csv.columns must name the columns/);
  await assert.rejects(collect(readCsv(files.write('h2.csv', 'a,,c\n1,2,3\n'), {}, { name: 'h2.csv' })), /h2.csv:1: column 2 of the header has no name/);
  await assert.rejects(collect(readCsv(files.write('h3.csv', '\n\na,b,a\n'), {}, { name: 'h3.csv' })), /h3.csv:3: column 'a' appears twice/);
  await assert.rejects(collect(readCsv(files.write('h4.csv', 'a,"b\n'))), (err) => err instanceof DataError && /header row cannot be read/.test(err.message));
});

test('a file that does not exist, and a .gz file that is not gzip, are errors naming the file', async () => {
  await assert.rejects(collect(readCsv(`${files.dir}/nope.csv`, {}, { name: 'nope.csv' })), /nope.csv: file not found/);
  const fake = join(files.dir, 'fake.csv.gz');
  writeFileSync(fake, 'a,b\n1,2\n');
  await assert.rejects(collect(readCsv(fake, {}, { name: 'fake.csv.gz' })), /fake.csv.gz: not a valid gzip file/);
});

test('an aborted signal stops reading', async () => {
  const controller = new AbortController();
  controller.abort(new Error('cancelled by the user'));
  await assert.rejects(collect(readCsv(files.write('abort.csv', 'a\n1\n'), {}, { signal: controller.signal })), /cancelled by the user/);
});
