/** Shared by the ops whose output is a category (vocabulary, hash, quantile): keys, fills and encodings. */
import type * as Farmhash from 'farmhash-modern';
import type { RawValue } from '../../data/records';
import { isBlankText, isMissing } from '../../data/values';
import type { FeatureOptions } from '../../spec/jobSpec';
import { TransformError } from '../transformError';

export const EXPECTS_CATEGORY = 'a string, number or boolean';

export type Encoding = 'onehot' | 'index';

/** A raw value as a category key: numbers and booleans as their JSON text, so 5 and 5.0 are the same key. */
export function toKey(value: RawValue | undefined, fill: string): string | null {
  if (typeof value === 'string') return isBlankText(value) ? fill : value;
  if (value === null || value === undefined) return fill;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : fill;
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** The training split's present values as keys. */
export function presentKeys(values: readonly (RawValue | undefined)[]): string[] {
  const keys: string[] = [];
  for (const value of values) {
    if (isMissing(value)) continue;
    const key = toKey(value, '');
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** Occurrences of each key, most frequent first, ties in code-unit order (the same on every platform). */
export function countKeys(keys: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The key a missing value becomes: a constant, or the most frequent key; default '' (out of vocabulary). */
export function categoricalFill(column: string, transform: string, fill: FeatureOptions['fill'], keys: readonly string[]): string {
  if (fill === undefined) return '';
  if (typeof fill === 'number') return String(fill);
  if (fill === 'mean' || fill === 'median') {
    throw new TransformError(`fill '${fill}' needs numbers, but '${transform}' treats column '${column}' as categories; use 'mode' or a constant`);
  }
  if (fill !== 'mode') return fill;
  if (keys.length === 0) throw new TransformError(`column '${column}' has no values in the training split to compute its mode from; give a constant fill`);
  return countKeys(keys)[0][0];
}

export function encodingOf(column: string, options: FeatureOptions): Encoding {
  const encoding = options.encoding ?? 'onehot';
  if (encoding !== 'onehot' && encoding !== 'index') throw new TransformError(`encoding for column '${column}' must be 'onehot' or 'index', got '${String(encoding)}'`);
  return encoding;
}

/** Checks an integer option; `min` is its smallest allowed value. */
export function integerOption(column: string, name: string, value: number | undefined, fallback: number | undefined, min: number): number {
  const v = value ?? fallback;
  if (v === undefined) throw new TransformError(`'${name}' is required for column '${column}'`);
  if (!Number.isInteger(v) || v < min) throw new TransformError(`'${name}' for column '${column}' must be an integer ≥ ${min}, got ${v}`);
  return v;
}

/**
 * Bucket of a key among `buckets`: FarmHash Fingerprint64 of its UTF-8 bytes, modulo buckets, which is
 * exactly what tf.strings.to_hash_bucket_fast computes, so buckets agree with TensorFlow models and
 * stay the same across platforms and releases (a fingerprint, unlike farmhash's hash64, is frozen).
 */
export function hashBucket(key: string, buckets: number): number {
  if (buckets === 1) return 0;
  return Number(farmhash().fingerprint64(key) % BigInt(buckets));
}

let farmhashModule: typeof Farmhash | undefined;

/**
 * farmhash-modern is loaded on first use: it compiles a wasm file at load time, which most transforms
 * never need, and a bundle that lacks the wasm file then fails only where hashing is used.
 */
function farmhash(): typeof Farmhash {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  farmhashModule ??= require('farmhash-modern') as typeof Farmhash;
  return farmhashModule;
}

/** Writes category `index` of `width` (onehot: a 1 in its column; index: the index itself; -1 means none). */
export function writeCategory(encoding: Encoding, index: number, out: Float32Array, offset: number): void {
  if (encoding === 'index') out[offset] = index;
  else if (index >= 0) out[offset + index] = 1;
}
