import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRunId, readMetricsEvents, RunFolder } from '../../../src/runtime/runs/runFolder';
import { markRunFailed, readRunRecord, readRunRecordChecked } from '../../../src/runtime/runs/runRecord';
import { hostname } from 'node:os';

const init = (runId: string) => ({ runId, name: 'iris', specFile: '/x/modellab.yaml', hyperparameters: {}, seed: 1 });

test('run ids are file-name safe, sortable by time and unique', () => {
  const a = newRunId('my model/v2', new Date(Date.UTC(2026, 10, 27, 9, 5, 3)));
  assert.match(a, /^my-model-v2-20261127-090503-[0-9a-f]{4}$/);
  assert.notEqual(newRunId('x'), newRunId('x'));
});

test('a run folder records state changes and append-only events', () => {
  const ws = mkdtempSync(join(tmpdir(), 'ml-run-'));
  const run = RunFolder.create(ws, init('r1'));
  assert.equal(readRunRecord(run.dir).status, 'running');
  run.appendEvent({ type: 'epoch', epoch: 1, time: 't', elapsed: 0.1, metrics: { loss: 1 } });
  run.finish('succeeded', { timings: { train: 1 } });
  const record = readRunRecord(run.dir);
  assert.equal(record.status, 'succeeded');
  assert.ok(record.endedAt);
  assert.deepEqual(readMetricsEvents(run.dir).map((e) => e.type), ['status', 'epoch', 'status']);
});

test('a torn last line in metrics.jsonl (a crash mid-write) is skipped, earlier events kept', () => {
  const ws = mkdtempSync(join(tmpdir(), 'ml-run-'));
  const run = RunFolder.create(ws, init('r2'));
  run.appendEvent({ type: 'epoch', epoch: 1, time: 't', elapsed: 0.1, metrics: { loss: 1 } });
  appendFileSync(join(run.dir, 'metrics.jsonl'), '{"type":"epoch","epoch":2,"met');
  const events = readMetricsEvents(run.dir);
  assert.equal(events.length, 2);
  assert.ok(readFileSync(join(run.dir, 'metrics.jsonl'), 'utf8').includes('"epoch":2'));
});

test('a run whose process died is read as failed, never left running', () => {
  const ws = mkdtempSync(join(tmpdir(), 'ml-run-'));
  const run = RunFolder.create(ws, init('r3'));
  run.update({ pid: 2 ** 22 + 12345 }); // beyond pid_max on Linux: no such process
  const record = readRunRecordChecked(run.dir, hostname());
  assert.equal(record.status, 'failed');
  assert.match(record.error ?? '', /ended without finishing/);
});

test('markRunFailed leaves finished runs alone', () => {
  const ws = mkdtempSync(join(tmpdir(), 'ml-run-'));
  const run = RunFolder.create(ws, init('r4'));
  run.finish('cancelled');
  assert.equal(markRunFailed(run.dir, 'crash')?.status, 'cancelled');
});
