/** identity: the number as it is (missing values filled). For inputs already on a sensible scale. */
import type { FittedFeature } from '../fittedTransform';
import type { Op } from './op';
import { checkScalarOptions, EXPECTS_NUMBER, formatNumber, numericFill, presentNumbers, toNumber } from './numeric';

type Identity = Extract<FittedFeature, { transform: 'identity' }>;

export const identity: Op<Identity> = {
  expects: EXPECTS_NUMBER,
  analyze(column, values, options) {
    checkScalarOptions(column, 'identity', options);
    const numbers = presentNumbers(column, 'identity', values);
    return { column, transform: 'identity', fill: numericFill(column, 'identity', options.fill, numbers) };
  },
  width: () => 1,
  names: (f) => [f.column],
  compile(f) {
    const fill = f.fill;
    return (value, out, offset) => {
      const x = toNumber(value, fill);
      out[offset] = x;
      return x === x;
    };
  },
  detail: (f) => `fill ${formatNumber(f.fill)}`,
};
