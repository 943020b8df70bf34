/**
 * minmax: (x − min) / (max − min), so the training values span [0, 1]; a constant column maps to 0.
 * Values outside the training range are not clipped (tft.scale_to_0_1 does not clip either).
 */
import type { FittedFeature } from '../fittedTransform';
import type { Op } from './op';
import { checkScalarOptions, EXPECTS_NUMBER, formatNumber, minMax, numericFill, presentNumbers, requireValues, toNumber } from './numeric';

type MinMax = Extract<FittedFeature, { transform: 'minmax' }>;

export const minmax: Op<MinMax> = {
  expects: EXPECTS_NUMBER,
  analyze(column, values, options) {
    checkScalarOptions(column, 'minmax', options);
    const numbers = presentNumbers(column, 'minmax', values);
    requireValues(column, 'minmax', numbers);
    const fill = numericFill(column, 'minmax', options.fill, numbers);
    return { column, transform: 'minmax', fill, ...minMax(numbers) };
  },
  width: () => 1,
  names: (f) => [f.column],
  compile(f) {
    const { fill, min } = f;
    const range = f.max - f.min;
    return (value, out, offset) => {
      const x = toNumber(value, fill);
      out[offset] = range > 0 ? (x - min) / range : 0;
      return x === x;
    };
  },
  detail: (f) => `min ${formatNumber(f.min)}, max ${formatNumber(f.max)}, fill ${formatNumber(f.fill)}`,
};
