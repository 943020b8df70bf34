/**
 * The fitted transform: the statistics an analyze pass computed on the training split, saved in the
 * model bundle (`modellab.json`) and applied by the same code at training and prediction time.
 * Plain JSON so it survives the trip to disk unchanged.
 */
import type { Task } from '../spec/jobSpec';

export type FittedFeature =
  | { column: string; transform: 'identity'; fill: number }
  | { column: string; transform: 'zscore'; fill: number; mean: number; std: number }
  | { column: string; transform: 'minmax'; fill: number; min: number; max: number }
  | { column: string; transform: 'quantile'; fill: number; boundaries: number[]; encoding: 'onehot' | 'index' }
  | { column: string; transform: 'vocabulary'; fill: string; vocabulary: string[]; oovBuckets: number; encoding: 'onehot' | 'index' }
  | { column: string; transform: 'hash'; fill: string; buckets: number; encoding: 'onehot' | 'index' };

export type FittedLabel =
  | { column: string; task: 'classification'; classes: string[] }
  | { column: string; task: 'regression' };

export interface FittedTransform {
  version: 1;
  features: FittedFeature[];
  label: FittedLabel;
  /** Width of one transformed example (sum of every feature's output width). */
  inputWidth: number;
  /** Name of each of the `inputWidth` output columns, e.g. `color=red`, `age`, for reports and exports. */
  inputNames: string[];
}

export type { Task };
