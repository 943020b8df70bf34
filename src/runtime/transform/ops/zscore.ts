/** zscore: (x − mean) / std with the training split's mean and population std (a constant column keeps std 1). */
import type { FittedFeature } from '../fittedTransform';
import type { Op } from './op';
import { checkScalarOptions, EXPECTS_NUMBER, formatNumber, mean, numericFill, presentNumbers, requireValues, std, toNumber } from './numeric';

type ZScore = Extract<FittedFeature, { transform: 'zscore' }>;

export const zscore: Op<ZScore> = {
  expects: EXPECTS_NUMBER,
  analyze(column, values, options) {
    checkScalarOptions(column, 'zscore', options);
    const numbers = presentNumbers(column, 'zscore', values);
    requireValues(column, 'zscore', numbers);
    const m = mean(numbers);
    const s = std(numbers, m);
    // A constant column would divide by zero; with std 1 it becomes x − mean, i.e. 0 for the training values.
    return { column, transform: 'zscore', fill: numericFill(column, 'zscore', options.fill, numbers), mean: m, std: s > 0 ? s : 1 };
  },
  width: () => 1,
  names: (f) => [f.column],
  compile(f) {
    const { fill, mean: m, std: s } = f;
    return (value, out, offset) => {
      const x = toNumber(value, fill);
      out[offset] = (x - m) / s;
      return x === x;
    };
  },
  detail: (f) => `mean ${formatNumber(f.mean)}, std ${formatNumber(f.std)}, fill ${formatNumber(f.fill)}`,
};
