/** The batch job's progress journal: a torn last line (a crash mid-append) is cut off and ignored. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyCheckpoint, identityMismatch, JOURNAL_VERSION, JournalWriter, readJournal } from '../../../src/runtime/batch/journal';
import { isBatchOutputName, shardName } from '../../../src/runtime/batch/outputFiles';

const job = { version: JOURNAL_VERSION, model: '/m', shards: 2, inputs: [{ path: '/in.jsonl', bytes: 10 }] };

test('the last whole checkpoint wins; a torn line is cut off so the next append starts clean', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'ml-journal-')), 'prediction.progress.jsonl');
  const w = new JournalWriter(path);
  w.append({ job, startedAt: 'now' });
  w.append({ checkpoint: { ...emptyCheckpoint(2), batches: 3, input: { file: 0, line: 7 }, results: [10, 20], errors: [0, 5] }, at: 'now' });
  w.close();
  const whole = readFileSync(path, 'utf8');
  appendFileSync(path, '{"checkpoint":{"batches":4,"inp');
  const state = readJournal(path);
  assert.deepEqual(state.job, job);
  assert.equal(state.checkpoint?.batches, 3);
  assert.deepEqual(state.checkpoint?.input, { file: 0, line: 7 });
  assert.equal(state.done, false);
  assert.equal(readFileSync(path, 'utf8'), whole, 'the torn line is gone');
  const again = new JournalWriter(path);
  again.append({ done: { at: 'later' } });
  again.close();
  assert.equal(readJournal(path).done, true);
});

test('a journal torn inside its first line reads as no job at all', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'ml-journal-')), 'prediction.progress.jsonl');
  writeFileSync(path, '{"job":{"vers');
  const state = readJournal(path);
  assert.equal(state.job, undefined);
  assert.equal(readFileSync(path, 'utf8'), '');
});

test('a resume must name the same model, shard count and input files', () => {
  assert.equal(identityMismatch(job, { ...job }), undefined);
  assert.match(identityMismatch(job, { ...job, shards: 3 })!, /--shards 2/);
  assert.match(identityMismatch(job, { ...job, model: '/other' })!, /another model/);
  assert.match(identityMismatch(job, { ...job, inputs: [{ path: '/in.jsonl', bytes: 11 }] })!, /input files differ/);
  assert.match(identityMismatch(job, { ...job, inputs: [...job.inputs, { path: '/b.jsonl', bytes: 1 }] })!, /no more files/);
});

test('shard names are Vertex AI\'s', () => {
  assert.equal(shardName('results', 0, 1), 'prediction.results-00000-of-00001');
  assert.equal(shardName('errors_stats', 11, 12), 'prediction.errors_stats-00011-of-00012');
  assert.ok(isBatchOutputName('prediction.results-00003-of-00004'));
  assert.ok(!isBatchOutputName('predictions.jsonl'));
});
