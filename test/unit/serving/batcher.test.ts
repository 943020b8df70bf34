import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PredictOutcome } from '../../../src/runtime/serving/modelEngine';
import { Batcher } from '../../../src/runtime/serving/server/batcher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingEngine(delayMs = 0) {
  const calls: unknown[][] = [];
  const run = async (instances: unknown[]): Promise<PredictOutcome[]> => {
    calls.push(instances);
    if (delayMs) await sleep(delayMs);
    return instances.map((x) => (x === 'bad' ? { error: 'instance 0: bad' } : { prediction: x }));
  };
  return { calls, run };
}

test('concurrent requests are coalesced into one engine call and split back in order', async () => {
  const { calls, run } = recordingEngine();
  const sizes: number[] = [];
  const b = new Batcher(run, { maxBatchSize: 64, batchTimeoutMicros: 5000 }, (n) => sizes.push(n));
  const answers = await Promise.all([b.submit([1, 2]), b.submit([3]), b.submit([4, 5, 6])]);
  assert.deepEqual(answers, [[{ prediction: 1 }, { prediction: 2 }], [{ prediction: 3 }], [{ prediction: 4 }, { prediction: 5 }, { prediction: 6 }]]);
  assert.equal(calls.length, 1);
  assert.deepEqual(sizes, [6]);
});

test('a full batch goes at once, without waiting for the timeout', async () => {
  const { calls, run } = recordingEngine();
  const b = new Batcher(run, { maxBatchSize: 4, batchTimeoutMicros: 10_000_000 });
  const started = Date.now();
  await Promise.all([b.submit([1, 2]), b.submit([3, 4])]);
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(calls, [[1, 2, 3, 4]]);
});

test('batches never exceed the maximum; a request larger than it runs alone, unsplit', async () => {
  const { calls, run } = recordingEngine(5);
  const b = new Batcher(run, { maxBatchSize: 4, batchTimeoutMicros: 1000 });
  const answers = await Promise.all([b.submit([1, 2, 3]), b.submit([4, 5]), b.submit([6, 7, 8, 9, 10, 11]), b.submit([12])]);
  assert.deepEqual(answers.flat().map((o) => (o as { prediction: number }).prediction), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const c of calls) assert.ok(c.length <= 4 || c.length === 6, `batch of ${c.length}`);
  assert.ok(calls.some((c) => c.length === 6));
});

test('a lone request waits at most about the batch timeout', async () => {
  const { run } = recordingEngine();
  const b = new Batcher(run, { maxBatchSize: 64, batchTimeoutMicros: 20_000 });
  const started = performance.now();
  await b.submit([1]);
  const waited = performance.now() - started;
  assert.ok(waited >= 15 && waited < 2000, `waited ${waited} ms`);
});

test('requests arriving while the engine is busy form the next batch', async () => {
  const { calls, run } = recordingEngine(200);
  const b = new Batcher(run, { maxBatchSize: 100, batchTimeoutMicros: 0 });
  const first = b.submit([0]);
  await sleep(5);
  const rest = Array.from({ length: 10 }, (_, i) => b.submit([i + 1]));
  await Promise.all([first, ...rest]);
  assert.deepEqual(calls.map((c) => c.length), [1, 10]);
});

test('instance errors stay with their request; an engine failure rejects every request of its batch only', async () => {
  let fail = true;
  const b = new Batcher(
    async (instances) => {
      if (fail) {
        fail = false;
        throw new Error('engine down');
      }
      return instances.map((x) => (x === 'bad' ? { error: 'bad' } : { prediction: x }));
    },
    { maxBatchSize: 8, batchTimeoutMicros: 1000 },
  );
  const failed = await Promise.allSettled([b.submit([1]), b.submit([2])]);
  assert.ok(failed.every((r) => r.status === 'rejected'));
  const [good, bad] = await Promise.all([b.submit([1]), b.submit(['bad', 2])]);
  assert.deepEqual(good, [{ prediction: 1 }]);
  assert.deepEqual(bad, [{ error: 'bad' }, { prediction: 2 }]);
});

test('drain resolves once everything queued has been answered', async () => {
  const { run } = recordingEngine(10);
  const b = new Batcher(run, { maxBatchSize: 2, batchTimeoutMicros: 1000 });
  const answered: number[] = [];
  for (let i = 0; i < 6; i++) void b.submit([i]).then(() => answered.push(i));
  await b.drain();
  assert.equal(answered.length, 6);
});
