import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScrambledHalton } from '../../../../src/runtime/tune/algorithms/halton';
import { standardise, warpLosses } from '../../../../src/runtime/tune/algorithms/outputWarp';

describe('initial design and output warping', () => {
  it('scrambled Halton points are deterministic per seed, in [0,1), and fill each coordinate evenly', () => {
    const a = new ScrambledHalton(5, 11);
    const b = new ScrambledHalton(5, 11);
    const c = new ScrambledHalton(5, 12);
    assert.deepEqual(a.point(7), b.point(7));
    assert.notDeepEqual(a.point(7), c.point(7));
    const n = 64;
    const points = Array.from({ length: n }, (_, i) => a.point(i));
    for (let j = 0; j < 5; j++) {
      const sorted = points.map((p) => p[j]).sort((x, y) => x - y);
      assert.ok(sorted.every((v) => v >= 0 && v < 1));
      // the largest gap between neighbours (cyclically) stays near 1/n; uniform draws give about ln(n)/n ≈ 4/n
      let gap = 1 - sorted[n - 1] + sorted[0];
      for (let i = 1; i < n; i++) gap = Math.max(gap, sorted[i] - sorted[i - 1]);
      assert.ok(gap < 2.5 / n, `coordinate ${j}: gap ${gap}`);
    }
  });

  it('the output warp keeps the order, the better half, and tames the tail', () => {
    const losses = [0.5, 1, 2, 3, 4, 300, 5000];
    const warped = warpLosses(losses);
    for (let i = 1; i < losses.length; i++) assert.ok(warped[i] > warped[i - 1]);
    // better half (≤ median 3) is an affine image of the input
    const std = standardise(losses.slice(0, 4));
    const w = standardise(Array.from(warped.slice(0, 4)));
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(std[i] - w[i]) < 1e-12);
    // the worst value is no longer thousands of standard deviations of the good half away
    assert.ok((warped[6] - warped[3]) / (warped[3] - warped[0]) < 10);
    assert.deepEqual(Array.from(warpLosses([2, 2, 2])), [0, 0, 0]);
  });
});
