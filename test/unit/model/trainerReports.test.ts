/** The trainer-module reporting API: ctx.report and ctx.onEpochEnd feed the epoch's metrics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainerReports } from '../../../src/runtime/model/trainerReports';

const model = {} as tfl.LayersModel;

test('reported values join the epoch they were reported in, then are cleared', async () => {
  const r = new TrainerReports();
  r.report('custom', 0.5);
  assert.deepEqual(await r.endEpoch(1, { loss: 1 }, model), { loss: 1, custom: 0.5 });
  assert.deepEqual(await r.endEpoch(2, { loss: 0.9 }, model), { loss: 0.9 });
});

test('epoch hooks run first and may report from the epoch logs (a reported tag wins over a logged one)', async () => {
  const r = new TrainerReports();
  const seen: number[] = [];
  r.onEpochEnd(async (epoch, logs, m) => {
    assert.equal(m, model);
    seen.push(epoch);
    r.report('training/hptuning/metric', logs.val_accuracy * 2);
    r.report('loss', 42);
  });
  assert.deepEqual(await r.endEpoch(3, { loss: 1, val_accuracy: 0.25 }, model), { loss: 42, val_accuracy: 0.25, 'training/hptuning/metric': 0.5 });
  assert.deepEqual(seen, [3]);
});

test('bad arguments are refused with a message naming the call', () => {
  const r = new TrainerReports();
  assert.throws(() => r.report('', 1), /ctx\.report/);
  assert.throws(() => r.report('x', '1' as unknown as number), /must be a number/);
  assert.throws(() => r.onEpochEnd(null as unknown as () => void), /ctx\.onEpochEnd/);
});
