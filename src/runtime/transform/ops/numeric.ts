/** Shared by the numeric ops (zscore, minmax, quantile, identity): reading numbers and filling gaps. */
import type { RawValue } from '../../data/records';
import { describeValue, isBlankText, isMissing } from '../../data/values';
import type { FeatureOptions } from '../../spec/jobSpec';
import { TransformError } from '../transformError';

export const EXPECTS_NUMBER = 'a number (or a boolean, read as 1 or 0)';

/**
 * The training split's present values as numbers, in record order. Booleans count as 1 and 0; text is
 * an error that names an example.
 */
export function presentNumbers(column: string, transform: string, values: readonly (RawValue | undefined)[]): Float64Array {
  const numbers = new Float64Array(values.length);
  let n = 0;
  for (const value of values) {
    if (isMissing(value)) continue;
    if (typeof value === 'number') numbers[n++] = value;
    else if (typeof value === 'boolean') numbers[n++] = value ? 1 : 0;
    else {
      throw new TransformError(
        `'${transform}' needs numbers, but column '${column}' holds ${describeValue(value)}; use 'vocabulary' or 'hash' for text`,
      );
    }
  }
  return numbers.subarray(0, n);
}

export function requireValues(column: string, transform: string, values: Float64Array): void {
  if (values.length === 0) throw new TransformError(`column '${column}' has no values in the training split, so '${transform}' has nothing to fit`);
}

/** Population mean. */
export function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Population standard deviation (divides by n, like tft.scale_to_z_score and numpy's default). */
export function std(values: Float64Array, m: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) * (values[i] - m);
  return Math.sqrt(sum / values.length);
}

export function minMax(values: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return { min, max };
}

/** A sorted copy (ascending); only the statistics that need an order pay for sorting. */
export function sortedCopy(values: Float64Array): Float64Array {
  return values.slice().sort();
}

/** The middle value; for an even count, the mean of the two middle ones (numpy's median). */
export function median(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The most frequent value; ties go to the smallest. */
export function numericMode(sorted: Float64Array): number {
  let best = sorted[0];
  let bestCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      best = sorted[i];
      bestCount = j - i;
    }
    i = j;
  }
  return best;
}

/** The number a missing value becomes: a constant, or a statistic of the training split (default: the mean). */
export function numericFill(column: string, transform: string, fill: FeatureOptions['fill'], values: Float64Array): number {
  if (typeof fill === 'number') {
    if (!Number.isFinite(fill)) throw new TransformError(`fill for column '${column}' must be a finite number`);
    return fill;
  }
  const strategy = fill ?? 'mean';
  if (strategy !== 'mean' && strategy !== 'median' && strategy !== 'mode') {
    throw new TransformError(`fill for column '${column}' ('${transform}', numeric) must be a number, 'mean', 'median' or 'mode', got '${strategy}'`);
  }
  if (values.length === 0) {
    throw new TransformError(`column '${column}' has no values in the training split to compute its ${strategy} from; give a constant fill`);
  }
  return strategy === 'mean' ? mean(values) : strategy === 'median' ? median(sortedCopy(values)) : numericMode(sortedCopy(values));
}

/** A raw value as a number for the apply half: the fill when missing, NaN when its type is wrong. */
export function toNumber(value: RawValue | undefined, fill: number): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : fill;
  if (value === null || value === undefined) return fill;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && isBlankText(value)) return fill;
  return NaN;
}

/** Rejects options that make no sense for a numeric op with one output column. */
export function checkScalarOptions(column: string, transform: string, options: FeatureOptions): void {
  for (const key of ['buckets', 'oovBuckets', 'topK', 'minFrequency', 'encoding'] as const) {
    if (options[key] !== undefined) throw new TransformError(`'${key}' does not apply to '${transform}' (column '${column}')`);
  }
}

/** Short, readable form of a statistic for names and summaries. */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}
