/**
 * The batch job's input cutting (JSON Lines as byte ranges, decoded where the model runs) and its output
 * serialisation: every record once, in order, with its file and line; JSON identical to JSON.stringify.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Batch, type InputFile, readBatches } from '../../../src/runtime/batch/inputRecords';
import { predictBatch } from '../../../src/runtime/batch/predictBatch';
import type { ModelEngine } from '../../../src/runtime/serving/modelEngine';

/** Predicts each instance as itself. */
const echo = { predict: async (instances: unknown[]) => instances.map((prediction) => ({ prediction })) } as unknown as ModelEngine;

function jsonlFile(dir: string, name: string, text: string): InputFile {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, name, format: 'jsonl', bytes: Buffer.byteLength(text) } as InputFile;
}

async function all(files: InputFile[], size: number, from?: { file: number; line: number }) {
  const batches: Batch[] = [];
  for await (const b of readBatches(files, size, from)) batches.push(b);
  const lines: string[] = [];
  for (const b of batches) {
    const out = await predictBatch(echo, b, files.map((f) => f.name));
    lines.push(...Buffer.from(out.results).toString('utf8').split('\n').filter(Boolean), ...Buffer.from(out.errors).toString('utf8').split('\n').filter(Boolean));
  }
  return { batches, lines };
}

test('JSON Lines: BOM, CRLF, blank and white-space lines, a line longer than a read, no final newline; batches span files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-batch-input-'));
  const long = `{"v":"${'x'.repeat(3 << 20)}"}`;
  const a = jsonlFile(dir, 'a.jsonl', `\ufeff{"v":1}\r\n\r\n   \n\u00a0\n{"v":2}\n${long}\n{"v":\n  {"v":3}  \n[4]`);
  const b = jsonlFile(dir, 'b.jsonl', '\n5\n{"v":"é ✓"}\n');
  const { batches, lines } = await all([a, b], 2);
  const instances = batches.map((x) => x.last);
  assert.deepEqual(instances, [
    { file: 0, line: 5 },
    { file: 0, line: 7 },
    { file: 0, line: 9 },
    { file: 1, line: 3 },
  ]);
  const results = lines.filter((l) => l.includes('"prediction"')).map((l) => JSON.parse(l));
  assert.deepEqual(
    results.map((r) => r.instance),
    [{ v: 1 }, { v: 2 }, { v: long.slice(6, -2) }, { v: 3 }, [4], 5, { v: 'é ✓' }],
  );
  // The instance is echoed as written (the line, less its '\r'); the prediction is its JSON.
  assert.ok(lines[0].startsWith('{"instance":{"v":1},"prediction":{"v":1}}'));
  assert.ok(lines.includes('{"instance":  {"v":3}  ,"prediction":{"v":3}}'));
  const errors = lines.filter((l) => l.includes('"error"')).map((l) => JSON.parse(l));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].instance, '{"v":');
  assert.match(errors[0].error.message, /^a\.jsonl:7: invalid JSON/);
  assert.equal(batches.reduce((s, x) => s + x.bytes, 0), a.bytes + b.bytes, 'progress counts every byte');
});

test('JSON Lines: a resume starts after the line it is given, in the file it is given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-batch-input-'));
  const a = jsonlFile(dir, 'a.jsonl', Array.from({ length: 10 }, (_, i) => `[${i}]`).join('\n') + '\n');
  const b = jsonlFile(dir, 'b.jsonl', '[10]\n[11]\n');
  const { batches, lines } = await all([a, b], 3, { file: 0, line: 7 });
  assert.deepEqual(lines.map((l) => JSON.parse(l).instance[0]), [7, 8, 9, 10, 11]);
  assert.deepEqual(batches[0].segments.map((s) => ('firstLine' in s ? [s.file, s.firstLine, s.lines] : [])), [[0, 8, 3]]);
  assert.deepEqual(batches.map((x) => x.last), [{ file: 0, line: 10 }, { file: 1, line: 2 }]);
  assert.equal((await all([a, b], 3, { file: 1, line: 2 })).batches.length, 0);
});

