/**
 * A run as the panel reads it: a real iris run's folder → header (state, backend, hyperparameters,
 * bundle signature), points and log tail; and a run followed through its files while it "trains"
 * elsewhere — its real metrics.jsonl, log and run.json written into a fresh folder step by step.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostMessage } from '../../../../src/protocol/webviewProtocol';
import { readMetricsEvents } from '../../../../src/runtime/runs/runFolder';
import { readRunRecord, type RunRecord } from '../../../../src/runtime/runs/runRecord';
import type { LiveFeed } from '../../../../src/extension/panels/liveFeed';
import { displayRunState, readRunHeader } from '../../../../src/extension/panels/runFiles';
import { RunSource } from '../../../../src/extension/panels/runSource';
import { UpdateCoalescer } from '../../../../src/extension/panels/updateCoalescer';
import { irisWorkspace, train } from './labFixture';

const notLive: LiveFeed = { isLive: () => false, onRunEvent: () => ({ dispose() {} }), onStudyEvent: () => ({ dispose() {} }) };
let workspace: string;
let runDir: string;
const open: { dispose(): void }[] = [];

before(() => {
  workspace = irisWorkspace();
  runDir = train(workspace, 8);
});
after(() => {
  for (const d of open) d.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

test('the header of a finished run: state, epochs, backend, hyperparameters, the bundle’s signature', async () => {
  const record = readRunRecord(runDir);
  const header = await readRunHeader(runDir, false);
  assert.equal(header.runId, record.runId);
  assert.equal(header.state, 'succeeded');
  assert.equal(header.epochs, 8);
  assert.equal(header.epochsRun, record.result?.epochsRun);
  assert.equal(header.bestEpoch, record.result?.bestEpoch);
  assert.deepEqual(header.hyperparameters, record.hyperparameters);
  assert.equal(header.backend?.name, record.backend?.name);
  assert.deepEqual(header.signature?.inputs.map((i) => i.name), ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.deepEqual(header.signature?.labels, ['setosa', 'versicolor', 'virginica']);
  assert.equal(header.signature?.outputs.length, 1);
  assert.equal(header.bundleDir, join(runDir, 'model'));
});

test('a run recorded as running whose process is gone shows as failed (and the file is left alone)', () => {
  const dead = { status: 'running' as const, hostname: hostname(), pid: 2 ** 22 + 12345 };
  assert.equal(displayRunState(dead, false), 'failed');
  assert.equal(displayRunState(dead, true), 'running', 'this window runs it: trust that');
  assert.equal(displayRunState({ ...dead, pid: process.pid }, false), 'running');
  assert.equal(displayRunState({ ...dead, hostname: 'another-machine' }, false), 'running', 'another machine’s pid says nothing here');
});

test('a run followed through its files: every epoch once, log lines, then the final header', async () => {
  const dir = join(workspace, '.modellab', 'runs', 'followed-run');
  mkdirSync(dir, { recursive: true });
  const record = readRunRecord(runDir);
  const running: RunRecord = { ...record, runId: 'followed-run', status: 'running', pid: process.pid, hostname: hostname(), result: undefined, endedAt: undefined };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(running));
  cpSync(join(runDir, 'model'), join(dir, 'model'), { recursive: true });
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean);
  const log = readFileSync(join(runDir, 'log.txt'), 'utf8').split('\n').filter(Boolean);
  writeFileSync(join(dir, 'metrics.jsonl'), `${metrics.slice(0, 3).join('\n')}\n`);
  writeFileSync(join(dir, 'log.txt'), `${log.slice(0, 2).join('\n')}\n`);

  const messages: HostMessage[] = [];
  const coalescer = new UpdateCoalescer((m) => messages.push(m), 10);
  const source = new RunSource('followed-run', dir, notLive, coalescer, { activeMs: 20, idleMs: 20 });
  open.push(coalescer, source);
  await source.start();
  const snap = source.snapshot();
  assert.equal(snap.header.state, 'running');
  assert.deepEqual(snap.points.map((p) => p.step), [1, 2]);
  assert.deepEqual(snap.logTail, log.slice(0, 2));

  for (let i = 3; i < metrics.length; i++) {
    appendFileSync(join(dir, 'metrics.jsonl'), `${metrics[i]}\n`);
    await sleep(15);
  }
  appendFileSync(join(dir, 'log.txt'), `${log.slice(2).join('\n')}\n`);
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...record, runId: 'followed-run' }));
  const end = Date.now() + 5000;
  while (!messages.some((m) => m.type === 'run/update' && m.header?.state === 'succeeded')) {
    assert.ok(Date.now() < end, 'the final header never came');
    await sleep(10);
  }
  await sleep(50);
  const steps = messages.flatMap((m) => (m.type === 'run/update' ? (m.points ?? []).map((p) => p.step) : []));
  const all = readMetricsEvents(runDir).filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : 0));
  assert.deepEqual([1, 2, ...steps], all, 'every epoch exactly once, in order');
  assert.deepEqual(messages.flatMap((m) => (m.type === 'run/update' ? m.log ?? [] : [])), log.slice(2));
  const final = source.snapshot();
  assert.equal(final.header.epochsRun, record.result?.epochsRun);
  assert.equal(final.points.length, all.length);
});

test('a run folder that cannot be read fails to start (the panel then says why)', async () => {
  const source = new RunSource('missing', join(workspace, 'nowhere'), notLive, new UpdateCoalescer(() => undefined, 10));
  open.push(source);
  await assert.rejects(source.start(), /ENOENT/);
});
