import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readInstances } from '../../../src/runtime/data/readInstances';
import { tempFiles } from './tempFiles';

const files = tempFiles();
after(() => files.remove());

test('JSON Lines instances with their origins', async () => {
  const path = files.write('instances.jsonl', '{"a":1,"b":"x"}\n\n{"a":2,"b":null}\n');
  const { records, origins } = await readInstances(path);
  assert.deepEqual(records, [
    { a: 1, b: 'x' },
    { a: 2, b: null },
  ]);
  assert.deepEqual(origins.map((o) => o.line), [1, 3]);
});

test('CSV instances', async () => {
  const { records } = await readInstances(files.write('instances.csv', 'a,b\n1,x\n'));
  assert.deepEqual(records, [{ a: 1, b: 'x' }]);
});

test('a bad line fails the read, naming file and line', async () => {
  const path = files.write('bad.json', '{"a":1}\nnot json\n');
  await assert.rejects(readInstances(path), /1 bad record in the data:\n {2}.*bad.json:2: invalid JSON/);
});
