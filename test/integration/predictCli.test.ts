/**
 * `model-lab predict` through loadModelFolder: one JSON prediction per line in order; a rejected instance
 * gets a stderr line naming its index and file line, the others are still printed, and the exit code is 1.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonLines, runCli, tempWorkspace } from './cliHarness';
import { irisBundle, type IrisPrediction, SETOSA, VIRGINICA } from './serveHarness';

test('predict: good instances printed in order, a bad one named on stderr, exit 1', async () => {
  const bundle = await irisBundle();
  const dir = tempWorkspace('ml-predict-');
  const good = join(dir, 'good.jsonl');
  writeFileSync(good, `${JSON.stringify(SETOSA)}\n${JSON.stringify(VIRGINICA)}\n`);
  const ok = await runCli(['predict', bundle, '--instances', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual((jsonLines(ok.stdout) as unknown as IrisPrediction[]).map((p) => p.label), ['setosa', 'virginica']);

  const mixed = join(dir, 'mixed.jsonl');
  writeFileSync(mixed, `${JSON.stringify(SETOSA)}\n${JSON.stringify({ ...SETOSA, petal_width: 'wide' })}\n${JSON.stringify(VIRGINICA)}\n`);
  const r = await runCli(['predict', bundle, '--instances', mixed]);
  assert.equal(r.code, 1);
  assert.deepEqual((jsonLines(r.stdout) as unknown as IrisPrediction[]).map((p) => p.label), ['setosa', 'virginica']);
  assert.match(r.stderr, /mixed\.jsonl:2: instance 1: field 'petal_width': .*'wide'/);
  assert.match(r.stderr, /1 instance failed/);

  const empty = tempWorkspace('ml-not-a-model-');
  const none = await runCli(['predict', empty, '--instances', good]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /holds no model Model Lab can serve/);
});
