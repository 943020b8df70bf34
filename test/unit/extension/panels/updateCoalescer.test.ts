import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostMessage, TrialRow } from '../../../../src/protocol/webviewProtocol';
import { UpdateCoalescer } from '../../../../src/extension/panels/updateCoalescer';

const row = (trialId: string, lastValue: number): TrialRow => ({ trialId, state: 'running', parameters: { lr: 0.1 }, stoppedEarly: false, runId: `s-t${trialId}`, lastValue });

function recorder() {
  const sent: { at: number; message: HostMessage }[] = [];
  return { sent, post: (message: HostMessage) => sent.push({ at: Date.now(), message }) };
}

test('a burst of changes becomes one message per interval, trials merged by id (latest wins)', async () => {
  const { sent, post } = recorder();
  const c = new UpdateCoalescer(post, 40);
  for (let i = 0; i < 1000; i++) c.studyUpdate(undefined, [row(String(i % 10), i)]);
  await sleep(120);
  assert.equal(sent.length, 1);
  const m = sent[0].message;
  assert.equal(m.type, 'study/update');
  assert.equal(m.type === 'study/update' && m.trials?.length, 10);
  assert.equal(m.type === 'study/update' && m.trials?.find((t) => t.trialId === '9')?.lastValue, 999);
  c.dispose();
});

test('the rows sent are copies: later changes to the source rows do not alter a pending message', async () => {
  const { sent, post } = recorder();
  const c = new UpdateCoalescer(post, 10);
  const r = row('1', 0.5);
  c.studyUpdate(undefined, [r]);
  r.lastValue = 0.9;
  await sleep(50);
  assert.equal(sent[0].message.type === 'study/update' && sent[0].message.trials?.[0].lastValue, 0.5);
  c.dispose();
});

test('kinds pending together go out on successive ticks, never two messages within one interval', async () => {
  const { sent, post } = recorder();
  const c = new UpdateCoalescer(post, 50);
  c.studyUpdate(undefined, [row('1', 1)]);
  c.curvePoints('s-t1', [{ step: 1, metrics: { val_accuracy: 0.5 } }], '1');
  c.curvePoints('s-t1', [{ step: 2, metrics: { val_accuracy: 0.6 } }], '1');
  c.liveChanged('study', false);
  await sleep(250);
  assert.deepEqual(sent.map((s) => s.message.type), ['study/update', 'curves/append']);
  assert.ok(sent[1].at - sent[0].at >= 45, `gap ${sent[1].at - sent[0].at} ms`);
  const [study, curves] = sent.map((s) => s.message);
  assert.equal(study.type === 'study/update' && study.live, false);
  assert.deepEqual(curves.type === 'curves/append' && curves.series, [{ runId: 's-t1', trialId: '1', points: [{ step: 1, metrics: { val_accuracy: 0.5 } }, { step: 2, metrics: { val_accuracy: 0.6 } }] }]);
  c.dispose();
});

test('run updates: points appended in order, the latest progress and header, the log capped', async () => {
  const { sent, post } = recorder();
  const c = new UpdateCoalescer(post, 20);
  c.runUpdate({ points: [{ step: 1, metrics: { loss: 1 } }], progress: { phase: 'training', epoch: 1 } });
  c.runUpdate({ points: [{ step: 2, metrics: { loss: 0.5 } }], progress: { phase: 'training', epoch: 2 }, log: Array.from({ length: 800 }, (_, i) => `l${i}`) });
  await sleep(80);
  assert.equal(sent.length, 1);
  const m = sent[0].message;
  assert.ok(m.type === 'run/update');
  assert.deepEqual(m.points?.map((p) => p.step), [1, 2]);
  assert.equal(m.progress?.epoch, 2);
  assert.equal(m.log?.length, 500);
  assert.equal(m.log?.[499], 'l799');
  c.dispose();
});

test('paused: nothing is sent; clear drops what was pending; resume sends what came after', async () => {
  const { sent, post } = recorder();
  const c = new UpdateCoalescer(post, 10);
  c.pause();
  c.runUpdate({ log: ['before init'] });
  await sleep(40);
  assert.equal(sent.length, 0);
  c.clear();
  c.resume();
  c.runUpdate({ log: ['after init'] });
  await sleep(40);
  assert.deepEqual(sent.map((s) => s.message.type === 'run/update' && s.message.log), [['after init']]);
  c.dispose();
});

test('latency: a single change is posted within the interval', async () => {
  const { sent, post } = recorder();
  const c = new UpdateCoalescer(post, 50);
  await sleep(60);
  const t0 = Date.now();
  c.runUpdate({ points: [{ step: 1, metrics: {} }] });
  await sleep(120);
  assert.equal(sent.length, 1);
  assert.ok(sent[0].at - t0 <= 60, `posted after ${sent[0].at - t0} ms`);
  c.dispose();
});
