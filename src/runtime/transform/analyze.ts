/**
 * The analyze pass, in the spirit of tf.transform's AnalyzeDataset: statistics over the training split
 * only, returned as a plain-JSON FittedTransform that the bundle stores and `applyTransform` replays
 * at training and at prediction time.
 */
import type { ColumnInfo, RawRecord } from '../data/records';
import { fieldOf } from '../data/values';
import type { FeatureSpec, Task } from '../spec/jobSpec';
import { planFeatures } from './featurePlan';
import type { FittedFeature, FittedTransform } from './fittedTransform';
import { fitLabel } from './labels';
import { opFor } from './ops';
import { TransformError } from './transformError';

export function analyzeTransform(
  train: RawRecord[],
  columns: ColumnInfo[],
  features: Record<string, FeatureSpec> | undefined,
  label: string,
  task: Task | undefined,
): FittedTransform {
  const fittedLabel = fitLabel(train, columns, label, task);
  const fitted: FittedFeature[] = [];
  const inputNames: string[] = [];
  for (const planned of planFeatures(columns, features, label)) {
    const op = opFor(planned.options.transform)!;
    const values = train.map((record) => fieldOf(record, planned.column));
    let feature: FittedFeature;
    try {
      feature = op.analyze(planned.column, values, planned.options);
    } catch (err) {
      // Point at the spec key that asked for the op, which may be a glob rather than the column.
      if (err instanceof TransformError && !err.path && planned.key !== undefined) throw new TransformError(err.message, `features.${planned.key}`);
      throw err;
    }
    fitted.push(feature);
    inputNames.push(...op.names(feature));
  }
  if (fitted.length === 0) throw new TransformError(`no features: every column is the label or dropped`, features ? 'features' : undefined);
  return { version: 1, features: fitted, label: fittedLabel, inputWidth: inputNames.length, inputNames };
}
