/** The ops by name. `drop` has no entry: a dropped column is left out of the plan and never reaches an op. */
import type { FittedFeature } from '../fittedTransform';
import { hash } from './hash';
import { identity } from './identity';
import { minmax } from './minmax';
import type { Op } from './op';
import { quantile } from './quantile';
import { vocabulary } from './vocabulary';
import { zscore } from './zscore';

export type { FeatureWriter, Op } from './op';

export const OPS: { [K in FittedFeature['transform']]: Op<Extract<FittedFeature, { transform: K }>> } = {
  identity,
  zscore,
  minmax,
  quantile,
  vocabulary,
  hash,
};

/** The op for a transform name, or undefined (e.g. a name from a newer bundle format). */
export function opFor(name: string): Op | undefined {
  return Object.hasOwn(OPS, name) ? (OPS[name as FittedFeature['transform']] as unknown as Op) : undefined;
}
