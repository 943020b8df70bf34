import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileTail, readLastLines } from '../../../../src/extension/panels/fileTail';
import { parseJsonLines } from '../../../../src/runtime/util/jsonLines';

const dir = mkdtempSync(join(tmpdir(), 'modellab-tail-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('returns only complete lines, each once, holding a torn last line back until its newline comes', async () => {
  const file = join(dir, 'a.jsonl');
  const tail = new FileTail(file);
  assert.deepEqual(await tail.read(), { lines: [], reset: false }, 'a missing file reads as empty');
  writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":');
  assert.deepEqual((await tail.read()).lines, ['{"a":1}', '{"a":2}']);
  assert.deepEqual((await tail.read()).lines, [], 'nothing new');
  appendFileSync(file, '3}\n');
  assert.deepEqual(parseJsonLines<{ a: number }>((await tail.read()).lines), [{ a: 3 }]);
});

test('starts over when the file is truncated or replaced', async () => {
  const file = join(dir, 'b.jsonl');
  const tail = new FileTail(file);
  writeFileSync(file, 'one\ntwo\n');
  await tail.read();
  writeFileSync(file, 'x\n');
  assert.deepEqual(await tail.read(), { lines: ['x'], reset: true });
  rmSync(file);
  writeFileSync(file, 'new file, longer than before\n');
  assert.deepEqual(await tail.read(), { lines: ['new file, longer than before'], reset: true });
});

test('a multi-byte character split across the 1 MiB read slices survives', async () => {
  const file = join(dir, 'c.txt');
  // 'é' is two bytes: an odd-length ASCII prefix puts one of them on each side of the 1 MiB boundary.
  const line = `${'x'.repeat((1 << 20) - 1)}é tail`;
  writeFileSync(file, `${line}\nshort\n`);
  const { lines } = await new FileTail(file).read();
  assert.deepEqual(lines, [line, 'short']);
});

test('skipToEnd leaves out what is there, then reads what follows', async () => {
  const file = join(dir, 'd.txt');
  writeFileSync(file, 'old\n');
  const tail = new FileTail(file);
  await tail.skipToEnd();
  appendFileSync(file, 'new\n');
  assert.deepEqual((await tail.read()).lines, ['new']);
});

test('parseJsonLines skips unreadable lines; readLastLines returns the end of a long file', async () => {
  assert.deepEqual(parseJsonLines(['{"ok":1}', '{"torn', '2']), [{ ok: 1 }, 2]);
  const file = join(dir, 'log.txt');
  writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n');
  const last = await readLastLines(file, 3, 1000);
  assert.deepEqual(last, ['line 4997', 'line 4998', 'line 4999']);
  assert.deepEqual(await readLastLines(join(dir, 'none.txt'), 3), []);
});
