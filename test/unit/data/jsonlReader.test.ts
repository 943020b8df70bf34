import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonlLine, readJsonl } from '../../../src/runtime/data/jsonlReader';
import { collect, tempFiles } from './tempFiles';

const files = tempFiles();
after(() => files.remove());

test('reads one object per line, skipping blank lines, with line numbers (CRLF too, and a BOM)', async () => {
  const path = files.write('a.jsonl', '\ufeff{"x":1,"y":"a"}\r\n\r\n  \n{"x":2.5,"y":null,"z":true}\n{"x":3}');
  const items = await collect(readJsonl(path, { name: 'a.jsonl' }));
  assert.deepEqual(
    items.map((i) => ('record' in i ? [i.origin.file, i.origin.line, i.record] : i.bad)),
    [
      ['a.jsonl', 1, { x: 1, y: 'a' }],
      ['a.jsonl', 4, { x: 2.5, y: null, z: true }],
      ['a.jsonl', 5, { x: 3 }],
    ],
  );
});

test('reads .jsonl.gz', async () => {
  const items = await collect(readJsonl(files.write('b.jsonl.gz', '{"x":1}\n{"x":2}\n')));
  assert.deepEqual(items.map((i) => ('record' in i ? i.record.x : null)), [1, 2]);
});

test('lines that are not JSON objects, or hold nested values, are bad records with file and line', async () => {
  const text = ['{"ok":1}', '{"broken":', '[1,2]', '42', 'null', '{"nested":{"a":1}}', '{"list":[1,2]}', '{"ok":2}'].join('\n');
  const items = await collect(readJsonl(files.write('bad.jsonl', text), { name: 'bad.jsonl' }));
  const bad = items.flatMap((i) => ('bad' in i ? [`${i.bad.file}:${i.bad.line}: ${i.bad.reason}`] : []));
  assert.equal(bad.length, 6);
  assert.match(bad[0], /^bad.jsonl:2: invalid JSON \(/);
  assert.deepEqual(bad.slice(1), [
    'bad.jsonl:3: not a JSON object but an array (JSON Lines holds one object per line)',
    'bad.jsonl:4: not a JSON object but a number',
    'bad.jsonl:5: not a JSON object but null',
    "bad.jsonl:6: field 'nested' is an object; a record holds only strings, numbers, booleans and null",
    "bad.jsonl:7: field 'list' is an array; a record holds only strings, numbers, booleans and null",
  ]);
  assert.deepEqual(items.flatMap((i) => ('record' in i ? [i.origin.line] : [])), [1, 8]);
});

test('parseJsonlLine rejects a __proto__ field', () => {
  assert.equal(parseJsonlLine('{"__proto__":1}'), "'__proto__' cannot be a field name");
});
