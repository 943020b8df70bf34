/** Vizier's median stopping rule on hand-made learning curves. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, runningAverage, shouldStopTrial } from '../../../src/runtime/tune/medianStopping';
import type { Measurement } from '../../../src/runtime/tune/trialLog';

const curve = (...values: number[]): Measurement[] => values.map((value, i) => ({ step: i + 1, value }));

// Running averages at step 2: 0.55, 0.65, 0.75 → median 0.65.
const completed = [curve(0.5, 0.6, 0.7), curve(0.6, 0.7, 0.8), curve(0.7, 0.8, 0.9)];

test('median and running average', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(runningAverage(curve(1, 2, 3, 4), 2), 1.5);
  assert.equal(runningAverage(curve(1, 2), 0), undefined);
});

test('a trial whose best is strictly below the median of running averages at its step is stopped (MAXIMIZE)', () => {
  const d = shouldStopTrial(curve(0.55, 0.6), completed, { goal: 'MAXIMIZE' });
  assert.equal(d.stop, true, d.reason);
  assert.equal(d.step, 2);
  assert.equal(d.best, 0.6);
  assert.ok(Math.abs(d.median! - 0.65) < 1e-12);
  assert.equal(d.references, 3);
});

test('equal to the median is not strictly worse: the trial goes on', () => {
  assert.equal(shouldStopTrial(curve(0.5, 0.65), completed, { goal: 'MAXIMIZE' }).stop, false);
});

test("the trial's BEST value counts, not its last one", () => {
  // Last value 0.3 is far below the median, but the best so far (0.7) is above it.
  assert.equal(shouldStopTrial(curve(0.7, 0.3), completed, { goal: 'MAXIMIZE' }).stop, false);
});

test('running averages, not raw values at the step (where Vizier differs from Optuna)', () => {
  // Raw values at step 3: 0.95, 0.95, 0.95 (median 0.95): a raw-value rule would stop a trial at 0.9.
  // Running averages up to step 3: (0.1+0.2+0.95)/3 ≈ 0.417 each: Vizier's rule does not.
  const late = [curve(0.1, 0.2, 0.95), curve(0.1, 0.2, 0.95), curve(0.1, 0.2, 0.95)];
  assert.equal(shouldStopTrial(curve(0.5, 0.6, 0.9), late, { goal: 'MAXIMIZE' }).stop, false);
});

test('MINIMIZE: stopped when its best (lowest) is strictly above the median', () => {
  const losses = [curve(1.0, 0.8, 0.6), curve(0.9, 0.7, 0.5), curve(0.8, 0.6, 0.4)];
  // Running averages at step 2: 0.9, 0.8, 0.7 → median 0.8.
  assert.equal(shouldStopTrial(curve(1.2, 0.85), losses, { goal: 'MINIMIZE' }).stop, true);
  assert.equal(shouldStopTrial(curve(1.2, 0.79), losses, { goal: 'MINIMIZE' }).stop, false);
});

test('needs a minimum number of completed trials before it acts', () => {
  const d = shouldStopTrial(curve(0.1, 0.1), completed.slice(0, 2), { goal: 'MAXIMIZE' });
  assert.equal(d.stop, false);
  assert.match(d.reason, /2 of the 3 completed trials/);
  assert.equal(shouldStopTrial(curve(0.1, 0.1), completed.slice(0, 2), { goal: 'MAXIMIZE', minCompletedTrials: 2 }).stop, true);
});

test('completed trials with no measurement up to the step do not count toward the minimum', () => {
  const lateStarters: Measurement[][] = completed.map((c) => c.map((m) => ({ step: m.step + 5, value: m.value })));
  assert.equal(shouldStopTrial(curve(0.1, 0.1), lateStarters, { goal: 'MAXIMIZE' }).stop, false);
});

test('needs a minimum number of measurements of the trial itself', () => {
  assert.equal(shouldStopTrial(curve(0.1), completed, { goal: 'MAXIMIZE' }).stop, false);
  assert.equal(shouldStopTrial(curve(0.1), completed, { goal: 'MAXIMIZE', minMeasurements: 1 }).stop, true);
  assert.equal(shouldStopTrial(curve(0.1, 0.1, 0.1), completed, { goal: 'MAXIMIZE', minMeasurements: 4 }).stop, false);
});

test('a trial beyond the end of shorter completed curves is compared with their whole running average', () => {
  const short = [curve(0.9, 0.9), curve(0.8, 0.8), curve(0.7, 0.7)];
  // At step 4 the references are 0.9, 0.8, 0.7 (median 0.8); best 0.75 < 0.8.
  assert.equal(shouldStopTrial(curve(0.5, 0.6, 0.7, 0.75), short, { goal: 'MAXIMIZE' }).stop, true);
});

test('non-finite values are ignored', () => {
  assert.equal(shouldStopTrial([{ step: 1, value: NaN }, { step: 2, value: NaN }], completed, { goal: 'MAXIMIZE' }).stop, false);
});
