/**
 * quantile: the bucket a number falls in, with boundaries that cut the training split into `buckets`
 * (default 10) groups of equal size. Boundary i is the sorted value at index ⌊i·n/buckets⌋, so with n
 * divisible by buckets each bucket holds exactly n/buckets training values; repeated boundaries (many
 * equal values) are merged, which gives fewer buckets. Bucket k holds boundary[k−1] ≤ x < boundary[k],
 * as in tft.apply_buckets.
 */
import type { FittedFeature } from '../fittedTransform';
import { TransformError } from '../transformError';
import { encodingOf, integerOption, writeCategory } from './categorical';
import type { Op } from './op';
import { EXPECTS_NUMBER, formatNumber, numericFill, presentNumbers, requireValues, sortedCopy, toNumber } from './numeric';

type Quantile = Extract<FittedFeature, { transform: 'quantile' }>;

export const DEFAULT_QUANTILE_BUCKETS = 10;

export function quantileBoundaries(sorted: Float64Array, buckets: number): number[] {
  const boundaries: number[] = [];
  for (let i = 1; i < buckets; i++) {
    const b = sorted[Math.floor((i * sorted.length) / buckets)];
    if (boundaries.length === 0 || b > boundaries[boundaries.length - 1]) boundaries.push(b);
  }
  return boundaries;
}

/** Number of boundaries ≤ x: the bucket index, by binary search. */
export function bucketOf(boundaries: readonly number[], x: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boundaries[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const quantile: Op<Quantile> = {
  expects: EXPECTS_NUMBER,
  analyze(column, values, options) {
    for (const key of ['oovBuckets', 'topK', 'minFrequency'] as const) {
      if (options[key] !== undefined) throw new TransformError(`'${key}' does not apply to 'quantile' (column '${column}')`);
    }
    const buckets = integerOption(column, 'buckets', options.buckets, DEFAULT_QUANTILE_BUCKETS, 1);
    const numbers = presentNumbers(column, 'quantile', values);
    requireValues(column, 'quantile', numbers);
    const fill = numericFill(column, 'quantile', options.fill, numbers);
    return { column, transform: 'quantile', fill, boundaries: quantileBoundaries(sortedCopy(numbers), buckets), encoding: encodingOf(column, options) };
  },
  width: (f) => (f.encoding === 'index' ? 1 : f.boundaries.length + 1),
  names(f) {
    if (f.encoding === 'index' || f.boundaries.length === 0) return [f.column];
    const b = f.boundaries.map(formatNumber);
    return [`${f.column}<${b[0]}`, ...b.slice(1).map((hi, i) => `${b[i]}<=${f.column}<${hi}`), `${f.column}>=${b[b.length - 1]}`];
  },
  compile(f) {
    const { fill, boundaries, encoding } = f;
    return (value, out, offset) => {
      const x = toNumber(value, fill);
      if (x !== x) return false;
      writeCategory(encoding, bucketOf(boundaries, x), out, offset);
      return true;
    };
  },
  detail: (f) => `${f.boundaries.length + 1} buckets, boundaries [${f.boundaries.map(formatNumber).join(', ')}], ${f.encoding}`,
};
