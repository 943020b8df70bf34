/**
 * What every transform op provides: an analyze half that fits statistics on the training split's values
 * of one column, and an apply half (`compile`) that writes one value into a row of the output matrix.
 */
import type { RawValue } from '../../data/records';
import type { FeatureOptions } from '../../spec/jobSpec';
import type { FittedFeature } from '../fittedTransform';

/**
 * Writes one raw value (missing ones are filled) at `offset` of a zeroed row; returns false when the
 * value has a type the op cannot take. Called once per record and feature: it must not allocate.
 */
export type FeatureWriter = (value: RawValue | undefined, out: Float32Array, offset: number) => boolean;

export interface Op<F extends FittedFeature = FittedFeature> {
  /** What a value must be, for messages: `a number`. */
  readonly expects: string;
  analyze(column: string, values: readonly (RawValue | undefined)[], options: FeatureOptions): F;
  width(f: F): number;
  /** One name per output column. */
  names(f: F): string[];
  compile(f: F): FeatureWriter;
  /** The fitted statistics in a few words, for `describeTransform`. */
  detail(f: F): string;
}
