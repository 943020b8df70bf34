/**
 * hash: the category is FarmHash Fingerprint64(value) mod `buckets` — tf.strings.to_hash_bucket_fast —
 * with no vocabulary to fit, for columns with too many distinct values. Numbers and booleans are hashed
 * as their text ('5', 'true').
 */
import type { FittedFeature } from '../fittedTransform';
import { categoricalFill, EXPECTS_CATEGORY, encodingOf, hashBucket, integerOption, presentKeys, toKey, writeCategory } from './categorical';
import type { Op } from './op';
import { TransformError } from '../transformError';

type Hash = Extract<FittedFeature, { transform: 'hash' }>;

export const hash: Op<Hash> = {
  expects: EXPECTS_CATEGORY,
  analyze(column, values, options) {
    for (const key of ['oovBuckets', 'topK', 'minFrequency'] as const) {
      if (options[key] !== undefined) throw new TransformError(`'${key}' does not apply to 'hash' (column '${column}')`);
    }
    const buckets = integerOption(column, 'buckets', options.buckets, undefined, 1);
    // Only a 'mode' fill looks at the data; the op itself has nothing to fit.
    const fill = categoricalFill(column, 'hash', options.fill, options.fill === 'mode' ? presentKeys(values) : []);
    return { column, transform: 'hash', fill, buckets, encoding: encodingOf(column, options) };
  },
  width: (f) => (f.encoding === 'index' ? 1 : f.buckets),
  names: (f) => (f.encoding === 'index' ? [f.column] : Array.from({ length: f.buckets }, (_, i) => `${f.column}#${i}`)),
  compile(f) {
    const { fill, buckets, encoding } = f;
    return (value, out, offset) => {
      const key = toKey(value, fill);
      if (key === null) return false;
      writeCategory(encoding, hashBucket(key, buckets), out, offset);
      return true;
    };
  },
  detail: (f) => `${f.buckets} buckets, fill '${f.fill}', ${f.encoding}`,
};
