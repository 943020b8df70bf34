/**
 * A study followed through its files, as for a study started from the CLI: a real study's trials.jsonl
 * and trial runs are written into a fresh study folder a few lines at a time, and the source (with the
 * real coalescer as its sink) must deliver exactly the changes — and end with the runtime's own state.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostMessage, TrialRow } from '../../../../src/protocol/webviewProtocol';
import { readStudyRecord, STUDY_FILE, TRIALS_FILE, type StudyRecord } from '../../../../src/runtime/tune/studyRecord';
import { readTrialEntries, replayTrials, type TrialLogEntry } from '../../../../src/runtime/tune/trialLog';
import type { LiveFeed } from '../../../../src/extension/panels/liveFeed';
import { StudySource } from '../../../../src/extension/panels/studySource';
import { UpdateCoalescer } from '../../../../src/extension/panels/updateCoalescer';
import { irisWorkspace, tune } from './labFixture';

/** This window runs nothing: the source must follow the files. */
const notLive: LiveFeed = { isLive: () => false, onRunEvent: () => ({ dispose() {} }), onStudyEvent: () => ({ dispose() {} }) };
const FAST = { activeMs: 20, idleMs: 20 };

let source: string;
let studyId: string;
const cleanup: string[] = [];
/** Sources poll on timers: disposed even when a test fails, so the process can end. */
const open: { dispose(): void }[] = [];

before(() => {
  source = irisWorkspace();
  cleanup.push(source);
  studyId = readStudyRecord(tune(source)).studyId;
});
after(() => {
  for (const d of open) d.dispose();
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

function collect() {
  const messages: HostMessage[] = [];
  const coalescer = new UpdateCoalescer((m) => messages.push(m), 10);
  open.push(coalescer);
  const rows = () => {
    const byId = new Map<string, TrialRow>();
    for (const m of messages) if (m.type === 'study/update') for (const t of m.trials ?? []) byId.set(t.trialId, t);
    return byId;
  };
  return { messages, coalescer, rows };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('a study running elsewhere grows in the panel: trials arrive as upserts, the header as it changes', async () => {
  const workspace = irisWorkspace();
  cleanup.push(workspace);
  const from = join(source, '.modellab', 'studies', studyId);
  const to = join(workspace, '.modellab', 'studies', studyId);
  mkdirSync(to, { recursive: true });
  const finalRecord = readStudyRecord(from);
  // The study "runs" in this process, so it is not taken for interrupted.
  const running: StudyRecord = { ...finalRecord, state: 'RUNNING', pid: process.pid, hostname: hostname(), best: undefined, endedAt: undefined };
  writeFileSync(join(to, STUDY_FILE), JSON.stringify(running));
  const lines = readFileSync(join(from, TRIALS_FILE), 'utf8').split('\n').filter(Boolean);
  writeFileSync(join(to, TRIALS_FILE), `${lines.slice(0, 3).join('\n')}\n`);

  const { messages, coalescer, rows } = collect();
  const study = new StudySource(workspace, studyId, notLive, coalescer, FAST);
  open.push(study);
  await study.start();
  const first = study.snapshot();
  assert.equal(first.live, false);
  assert.equal(first.header.state, 'RUNNING');
  assert.equal(first.header.interrupted, false);
  assert.equal(first.trials.length, lines.slice(0, 3).filter((l) => l.includes('"created"')).length);

  // The rest of the history arrives in pieces, a torn line among them.
  const rest = lines.slice(3);
  const half = Math.floor(rest.length / 2);
  appendFileSync(join(to, TRIALS_FILE), `${rest.slice(0, half).join('\n')}\n${rest[half].slice(0, 10)}`);
  await until(() => messages.some((m) => m.type === 'study/update'), 'the first upserts');
  appendFileSync(join(to, TRIALS_FILE), `${rest[half].slice(10)}\n${rest.slice(half + 1).join('\n')}\n`);
  writeFileSync(join(to, STUDY_FILE), JSON.stringify({ ...finalRecord, pid: process.pid, hostname: hostname() }));
  await until(() => messages.some((m) => m.type === 'study/update' && m.header?.state === 'SUCCEEDED'), 'the final header');
  await until(() => [...rows().values()].filter((r) => r.state === 'completed').length === 8, 'every trial completed', 3000);

  const expected = replayTrials(readTrialEntries(join(from, TRIALS_FILE)));
  const sent = rows();
  for (const t of expected) assert.equal(sent.get(t.trialId)?.objective, t.objective, `trial ${t.trialId}`);
  assert.deepEqual(study.snapshot().header.best, finalRecord.best);
  for (const m of messages) assert.notEqual(m.type, 'init', 'sources never resend a snapshot');
  study.dispose();
  coalescer.dispose();
});

test('curves: a request reads a trial run’s whole history; a subscribed run then streams only new points', async () => {
  const workspace = irisWorkspace();
  cleanup.push(workspace);
  cpSync(join(source, '.modellab'), join(workspace, '.modellab'), { recursive: true });
  const runId = `${studyId}-t2`;
  const metrics = join(workspace, '.modellab', 'runs', runId, 'metrics.jsonl');
  const all = readFileSync(metrics, 'utf8').split('\n').filter(Boolean);
  writeFileSync(metrics, `${all.slice(0, 3).join('\n')}\n`); // status + 2 epochs so far

  const { messages, coalescer } = collect();
  const study = new StudySource(workspace, studyId, notLive, coalescer, FAST);
  open.push(study);
  await study.start();
  await study.setCurveSubscription([runId, '../../etc']);
  const [history, ...none] = await study.curves([runId, '']);
  assert.deepEqual(none, [], 'a trial without a run yet has no curve');
  assert.equal(history.trialId, '2');
  assert.deepEqual(history.points.map((p) => p.step), [1, 2]);
  assert.ok('val_accuracy' in history.points[0].metrics);
  appendFileSync(metrics, `${all.slice(3).join('\n')}\n`);
  await until(() => messages.some((m) => m.type === 'curves/append'), 'appended points');
  await sleep(60);
  const appended = messages.flatMap((m) => (m.type === 'curves/append' ? m.series : []));
  assert.deepEqual([...new Set(appended.map((s) => s.runId))], [runId]);
  assert.deepEqual(appended.flatMap((s) => s.points.map((p) => p.step)), [3, 4, 5], 'no point twice, none missing');
  await assert.rejects(study.curves(['../x']), /invalid run id/);
  study.dispose();
  coalescer.dispose();
});

test('10,000 trials × 100 epochs: snapshot in seconds, then a new measurement costs one row', async () => {
  const workspace = irisWorkspace();
  cleanup.push(workspace);
  const to = join(workspace, '.modellab', 'studies', studyId);
  mkdirSync(to, { recursive: true });
  const record = readStudyRecord(join(source, '.modellab', 'studies', studyId));
  writeFileSync(join(to, STUDY_FILE), JSON.stringify({ ...record, state: 'RUNNING', pid: process.pid, hostname: hostname(), best: undefined }));
  const TRIALS = 10_000;
  const EPOCHS = 100;
  const out = createWriteStream(join(to, TRIALS_FILE));
  const time = '2026-11-27T12:00:00.000Z';
  for (let t = 1; t <= TRIALS; t++) {
    const trialId = String(t);
    const runId = `${studyId}-t${t}`;
    const chunk: TrialLogEntry[] = [
      { type: 'created', trialId, parameters: { learning_rate: 0.001 * t, hidden_units: 8 + (t % 50) }, runId, time },
      { type: 'started', trialId, runId, attempt: 1, time },
    ];
    for (let s = 1; s <= EPOCHS; s++) chunk.push({ type: 'measurement', trialId, step: s, value: (s * t) % 1, time });
    if (t < TRIALS) chunk.push({ type: 'finished', trialId, state: 'COMPLETED', objective: (t % 997) / 997, step: EPOCHS, stoppedEarly: false, time });
    if (!out.write(`${chunk.map((e) => JSON.stringify(e)).join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));

  const { messages, coalescer } = collect();
  const study = new StudySource(workspace, studyId, notLive, coalescer, FAST);
  open.push(study);
  const t0 = performance.now();
  await study.start();
  const snapshot = study.snapshot();
  const ms = performance.now() - t0;
  const bytes = JSON.stringify(snapshot).length;
  console.log(`# 10k×100 study: snapshot in ${ms.toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB of JSON`);
  assert.equal(snapshot.trials.length, TRIALS);
  assert.equal(snapshot.trials[TRIALS - 1].state, 'running');
  assert.equal(snapshot.header.best?.objective, 996 / 997);
  assert.ok(ms < 20_000, `snapshot took ${ms} ms`);

  appendFileSync(join(to, TRIALS_FILE), `${JSON.stringify({ type: 'measurement', trialId: String(TRIALS), step: EPOCHS + 1, value: 0.5, time })}\n`);
  await until(() => messages.length > 0, 'the upsert');
  await sleep(80);
  const sent = messages.flatMap((m) => (m.type === 'study/update' ? m.trials ?? [] : []));
  assert.deepEqual(sent.map((t) => [t.trialId, t.step, t.lastValue]), [[String(TRIALS), EPOCHS + 1, 0.5]]);
  study.dispose();
  coalescer.dispose();
});
