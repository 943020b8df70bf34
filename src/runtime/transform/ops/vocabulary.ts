/**
 * vocabulary: each distinct training value is a category, most frequent first (ties in code-unit order),
 * after `minFrequency` and `topK`. Values outside the vocabulary — unseen ones, and missing ones unless a
 * fill maps them to a known value — go to one of `oovBuckets` extra categories (default 1), chosen by
 * hash so that a given value always lands in the same one; with 0 OOV buckets they get no category
 * (all zeros, or index −1).
 */
import type { FittedFeature } from '../fittedTransform';
import { categoricalFill, countKeys, EXPECTS_CATEGORY, encodingOf, hashBucket, integerOption, presentKeys, toKey, writeCategory } from './categorical';
import type { Op } from './op';
import { TransformError } from '../transformError';

type Vocabulary = Extract<FittedFeature, { transform: 'vocabulary' }>;

export const vocabulary: Op<Vocabulary> = {
  expects: EXPECTS_CATEGORY,
  analyze(column, values, options) {
    if (options.buckets !== undefined) throw new TransformError(`'buckets' does not apply to 'vocabulary' (column '${column}'); did you mean 'oovBuckets'?`);
    const oovBuckets = integerOption(column, 'oovBuckets', options.oovBuckets, 1, 0);
    const minFrequency = integerOption(column, 'minFrequency', options.minFrequency, 1, 1);
    const topK = options.topK === undefined ? Infinity : integerOption(column, 'topK', options.topK, undefined, 1);
    const keys = presentKeys(values);
    const vocab = countKeys(keys)
      .filter(([, count]) => count >= minFrequency)
      .slice(0, topK)
      .map(([key]) => key);
    const fill = categoricalFill(column, 'vocabulary', options.fill, keys);
    return { column, transform: 'vocabulary', fill, vocabulary: vocab, oovBuckets, encoding: encodingOf(column, options) };
  },
  width: (f) => (f.encoding === 'index' ? 1 : f.vocabulary.length + f.oovBuckets),
  names(f) {
    if (f.encoding === 'index') return [f.column];
    const oov = f.oovBuckets === 1 ? [`${f.column}=<oov>`] : Array.from({ length: f.oovBuckets }, (_, i) => `${f.column}=<oov${i}>`);
    return [...f.vocabulary.map((v) => `${f.column}=${v}`), ...oov];
  },
  compile(f) {
    const { fill, oovBuckets, encoding } = f;
    const size = f.vocabulary.length;
    const index = new Map(f.vocabulary.map((v, i) => [v, i]));
    return (value, out, offset) => {
      const key = toKey(value, fill);
      if (key === null) return false;
      const i = index.get(key) ?? (oovBuckets > 0 ? size + hashBucket(key, oovBuckets) : -1);
      writeCategory(encoding, i, out, offset);
      return true;
    };
  },
  detail(f) {
    const shown = f.vocabulary.slice(0, 5).map((v) => `'${v}'`).join(', ');
    const more = f.vocabulary.length > 5 ? `, … (${f.vocabulary.length})` : '';
    return `[${shown}${more}] + ${f.oovBuckets} OOV, fill '${f.fill}', ${f.encoding}`;
  },
};
