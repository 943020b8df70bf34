/** Each op against answers worked out by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawValue } from '../../../src/runtime/data/records';
import type { FeatureOptions } from '../../../src/runtime/spec/jobSpec';
import { hashBucket } from '../../../src/runtime/transform/ops/categorical';
import { hash } from '../../../src/runtime/transform/ops/hash';
import { identity } from '../../../src/runtime/transform/ops/identity';
import { minmax } from '../../../src/runtime/transform/ops/minmax';
import type { Op } from '../../../src/runtime/transform/ops/op';
import { bucketOf, quantile, quantileBoundaries } from '../../../src/runtime/transform/ops/quantile';
import { vocabulary } from '../../../src/runtime/transform/ops/vocabulary';
import { zscore } from '../../../src/runtime/transform/ops/zscore';
import type { FittedFeature } from '../../../src/runtime/transform/fittedTransform';

/** Runs the apply half of a fitted feature over values, one output row per value. */
function applyOp<F extends FittedFeature>(op: Op<F>, f: F, values: (RawValue | undefined)[]): number[][] {
  const width = op.width(f);
  const write = op.compile(f);
  return values.map((v) => {
    const row = new Float32Array(width);
    assert.ok(write(v, row, 0), `value ${String(v)} accepted`);
    return Array.from(row);
  });
}

function fit<F extends FittedFeature>(op: Op<F>, values: (RawValue | undefined)[], options: Partial<FeatureOptions> = {}): F {
  return op.analyze('c', values, { transform: 'identity', ...options } as FeatureOptions);
}

const f32 = (x: number) => Math.fround(x);

test('zscore of [1, 2, 3, 4]: mean 2.5, population std √1.25', () => {
  const f = fit(zscore, [1, 2, 3, 4]);
  assert.equal(f.mean, 2.5);
  assert.equal(f.std, Math.sqrt(1.25));
  const s = Math.sqrt(1.25);
  assert.deepEqual(applyOp(zscore, f, [1, 4, null]), [[f32(-1.5 / s)], [f32(1.5 / s)], [0]]);
});

test('zscore of a constant column keeps std 1', () => {
  const f = fit(zscore, [5, 5, 5]);
  assert.deepEqual([f.mean, f.std], [5, 1]);
  assert.deepEqual(applyOp(zscore, f, [5, 7]), [[0], [2]]);
});

test('minmax maps the training range to [0, 1], does not clip, and maps a constant column to 0', () => {
  const f = fit(minmax, [2, 4, 6]);
  assert.deepEqual([f.min, f.max], [2, 6]);
  assert.deepEqual(applyOp(minmax, f, [2, 4, 6, 8, 0]), [[0], [0.5], [1], [1.5], [-0.5]]);
  const constant = fit(minmax, [3, 3]);
  assert.deepEqual(applyOp(minmax, constant, [3, 10]), [[0], [0]]);
});

test('identity passes numbers through; booleans are 1 and 0', () => {
  const f = fit(identity, [1, 2, 3]);
  assert.deepEqual(applyOp(identity, f, [7.5, true, false, null]), [[7.5], [1], [0], [2]]);
});

test('fill: mean by default, median, mode, or a constant — all from the training split', () => {
  assert.equal(fit(identity, [1, 2, 3, null, undefined]).fill, 2);
  assert.equal(fit(identity, [1, 2, 10, null], { fill: 'median' }).fill, 2);
  assert.equal(fit(identity, [1, 2, 10, 11, null], { fill: 'median' }).fill, 6);
  assert.equal(fit(identity, [3, 1, 1, 3, 2], { fill: 'mode' }).fill, 1);
  assert.equal(fit(identity, [1, 2], { fill: -1 }).fill, -1);
  // The mean of present values only: missing ones do not pull it toward zero.
  assert.equal(fit(zscore, [2, null, 4, '']).fill, 3);
  assert.throws(() => fit(identity, [null, null]), /no values in the training split to compute its mean/);
  assert.throws(() => fit(identity, [1], { fill: 'average' }), /must be a number, 'mean', 'median' or 'mode'/);
});

test('numeric ops reject text with an example value, and options meant for categories', () => {
  assert.throws(() => fit(zscore, [1, 'abc']), /'zscore' needs numbers, but column 'c' holds string 'abc'/);
  assert.throws(() => fit(minmax, [1], { buckets: 3 }), /'buckets' does not apply to 'minmax'/);
  const write = zscore.compile(fit(zscore, [1, 2]));
  assert.equal(write('3', new Float32Array(1), 0), false);
});

test('vocabulary: most frequent first, ties in code-unit order; one OOV bucket by default', () => {
  const values = ['b', 'a', 'b', 'c', 'a', 'b', 'D', null];
  const f = fit(vocabulary, values);
  assert.deepEqual(f.vocabulary, ['b', 'a', 'D', 'c']);
  assert.equal(f.oovBuckets, 1);
  assert.equal(f.fill, '');
  assert.deepEqual(vocabulary.names(f), ['c=b', 'c=a', 'c=D', 'c=c', 'c=<oov>']);
  assert.deepEqual(applyOp(vocabulary, f, ['a', 'zzz', null]), [
    [0, 1, 0, 0, 0],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1],
  ]);
});

test('vocabulary: topK and minFrequency', () => {
  const values = ['b', 'a', 'b', 'c', 'a', 'b', 'd'];
  assert.deepEqual(fit(vocabulary, values, { topK: 2 }).vocabulary, ['b', 'a']);
  assert.deepEqual(fit(vocabulary, values, { minFrequency: 2 }).vocabulary, ['b', 'a']);
  assert.deepEqual(fit(vocabulary, values, { minFrequency: 3 }).vocabulary, ['b']);
});

test('vocabulary: several OOV buckets are chosen by Fingerprint64, so an unseen value always lands in the same one', () => {
  const f = fit(vocabulary, ['x', 'y'], { oovBuckets: 3 });
  // fingerprint64('z') = 15605885941449482137, mod 3 = 1; fingerprint64('red') = 991092756973969910, mod 3 = 2.
  assert.deepEqual(applyOp(vocabulary, f, ['z', 'red']), [
    [0, 0, 0, 1, 0],
    [0, 0, 0, 0, 1],
  ]);
});

test('vocabulary: index encoding, numbers and booleans as keys, 0 OOV buckets, fill mode', () => {
  const f = fit(vocabulary, [3, 3, true, 5], { encoding: 'index', oovBuckets: 0 });
  assert.deepEqual(f.vocabulary, ['3', '5', 'true']);
  assert.deepEqual(applyOp(vocabulary, f, [5, 3.0, true, 'nope']), [[1], [0], [2], [-1]]);
  const g = fit(vocabulary, ['a', 'b', 'b'], { fill: 'mode' });
  assert.deepEqual([g.vocabulary, g.fill], [['b', 'a'], 'b']);
  assert.deepEqual(applyOp(vocabulary, g, [null]), [[1, 0, 0]]);
  assert.throws(() => fit(vocabulary, ['a'], { fill: 'mean' }), /fill 'mean' needs numbers/);
  assert.equal(fit(vocabulary, ['a'], { fill: 'unknown' }).fill, 'unknown');
});

test('quantile boundaries on 1..100 with 4 buckets: 26, 51, 76, each bucket holding 25 values', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  const f = fit(quantile, values, { buckets: 4 });
  assert.deepEqual(f.boundaries, [26, 51, 76]);
  const counts = [0, 0, 0, 0];
  for (const v of values) counts[bucketOf(f.boundaries, v)]++;
  assert.deepEqual(counts, [25, 25, 25, 25]);
  assert.deepEqual(applyOp(quantile, f, [25, 26, 1000, -5]), [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 1],
    [1, 0, 0, 0],
  ]);
  assert.deepEqual(quantile.names(f), ['c<26', '26<=c<51', '51<=c<76', 'c>=76']);
});

test('quantile: repeated boundaries are merged; default 10 buckets; index encoding', () => {
  const sorted = Float64Array.from([0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
  assert.deepEqual(quantileBoundaries(sorted, 5), [0, 1, 3]);
  const f = fit(quantile, Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(f.boundaries, [2, 4, 6, 8, 10, 12, 14, 16, 18]);
  const g = fit(quantile, [1, 2, 3, 4], { buckets: 2, encoding: 'index' });
  assert.deepEqual(g.boundaries, [3]);
  // A missing value takes the mean, 2.5, which is in bucket 0.
  assert.deepEqual(applyOp(quantile, g, [1, 3, null]), [[0], [1], [0]]);
});

test('hash: Fingerprint64 mod buckets, the same as tf.strings.to_hash_bucket_fast', () => {
  // TensorFlow's documented example: to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) == [0, 2, 2].
  assert.deepEqual(['Hello', 'TensorFlow', '2.x'].map((s) => hashBucket(s, 3)), [0, 2, 2]);
  // Fingerprint64("") is FarmHash's constant k2 = 0x9ae16a3b2f90404f = 11160318154034397263.
  assert.equal(hashBucket('', 1000), 263);
  assert.deepEqual(['red', 'green', 'blue', '94103', 'é'].map((s) => hashBucket(s, 10)), [0, 4, 5, 4, 5]);
  const f = fit(hash, ['x'], { buckets: 10 });
  assert.deepEqual(applyOp(hash, f, ['green'])[0].indexOf(1), 4);
  const g = fit(hash, [], { buckets: 1000, encoding: 'index' });
  assert.deepEqual(applyOp(hash, g, ['Hello', 94103, null]), [[151], [164], [263]]);
  assert.throws(() => fit(hash, ['x']), /'buckets' is required/);
});
