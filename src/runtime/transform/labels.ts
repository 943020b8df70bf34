/**
 * The label side of the transform: fitting it (task and classes), encoding it for training, and
 * decoding model outputs into predictions shaped like Cloud ML's (`label`, `classes`, `probabilities`
 * for classification; `value` for regression).
 */
import type { ColumnInfo, RawRecord, RawValue } from '../data/records';
import { describeValue, fieldOf, isMissing, looksNumeric } from '../data/values';
import type { Task } from '../spec/jobSpec';
import type { FittedLabel, FittedTransform } from './fittedTransform';
import { TransformError } from './transformError';

export interface ClassificationPrediction {
  /** The most probable class. */
  label: string;
  classes: string[];
  probabilities: number[];
}

export interface RegressionPrediction {
  value: number;
}

export type Prediction = ClassificationPrediction | RegressionPrediction;

/**
 * Task and classes from the training split. Without a task: a numeric label means regression, text or
 * boolean means classification — nothing cleverer, so the choice is predictable (set `data.task:
 * classification` for integer class ids, or quote them in the CSV).
 */
export function fitLabel(train: readonly RawRecord[], columns: readonly ColumnInfo[], label: string, task: Task | undefined): FittedLabel {
  const info = columns.find((c) => c.name === label);
  if (!info) throw new TransformError(`the label column '${label}' is not among the columns`, 'data.label');
  const chosen: Task = task ?? (info.type === 'number' ? 'regression' : 'classification');
  if (chosen === 'regression') {
    train.forEach((record, i) => regressionTarget(fieldOf(record, label), i, label));
    return { column: label, task: 'regression' };
  }
  const seen = new Set<string>();
  for (const record of train) {
    const value = fieldOf(record, label);
    if (!isMissing(value)) seen.add(String(value));
  }
  const classes = sortClasses([...seen]);
  if (classes.length < 2) {
    throw new TransformError(`classification needs at least two classes in the training split; '${label}' has ${classes.length === 0 ? 'none' : `only '${classes[0]}'`}`, 'data.label');
  }
  return { column: label, task: 'classification', classes };
}

/** Numerically when every class looks like a number ('2' before '10'), else by code unit. */
export function sortClasses(classes: string[]): string[] {
  if (classes.every(looksNumeric)) return classes.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return classes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Training targets: one-hot rows over the classes, or one value per record for regression. */
export function encodeLabels(t: FittedTransform, records: readonly RawRecord[]): Float32Array {
  const label = t.label;
  if (label.task === 'regression') {
    const y = new Float32Array(records.length);
    for (let i = 0; i < records.length; i++) y[i] = regressionTarget(fieldOf(records[i], label.column), i, label.column);
    return y;
  }
  const k = label.classes.length;
  const indices = encodeLabelIndices(t, records);
  const y = new Float32Array(records.length * k);
  for (let i = 0; i < indices.length; i++) y[i * k + indices[i]] = 1;
  return y;
}

/** Class index of each record (classification only): for sparse losses, trees and confusion matrices. */
export function encodeLabelIndices(t: FittedTransform, records: readonly RawRecord[]): Int32Array {
  const label = t.label;
  if (label.task !== 'classification') throw new TransformError('class indices exist only for classification');
  const index = new Map(label.classes.map((c, i) => [c, i]));
  const out = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const value = fieldOf(records[i], label.column);
    if (isMissing(value)) throw new TransformError(`record ${i} has no value for the label '${label.column}'`);
    const k = index.get(String(value));
    if (k === undefined) {
      throw new TransformError(
        `record ${i}: class '${String(value)}' of the label '${label.column}' is not among the classes seen in the training split (${label.classes.join(', ')})`,
      );
    }
    out[i] = k;
  }
  return out;
}

function regressionTarget(value: RawValue | undefined, index: number, column: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && looksNumeric(value)) return Number(value);
  if (isMissing(value)) throw new TransformError(`record ${index} has no value for the label '${column}'`);
  throw new TransformError(
    `regression needs a numeric label, but record ${index} has ${describeValue(value)} in '${column}'; set data.task: classification if it is a class`,
    'data.label',
  );
}

/**
 * Predictions from the model's raw outputs (`n` rows). Classification takes one probability per class,
 * or for two classes a single sigmoid output (the probability of the second class).
 */
export function decodeOutputs(t: FittedTransform, outputs: Float32Array, n: number): Prediction[] {
  const width = n === 0 ? 0 : outputs.length / n;
  if (n > 0 && !Number.isInteger(width)) throw new TransformError(`${outputs.length} outputs do not divide into ${n} rows`);
  const predictions: Prediction[] = [];
  const label = t.label;
  if (label.task === 'regression') {
    if (n > 0 && width !== 1) throw new TransformError(`a regression model must output one value per instance, got ${width}`);
    for (let i = 0; i < n; i++) predictions.push({ value: outputs[i] });
    return predictions;
  }
  const k = label.classes.length;
  const sigmoid = k === 2 && width === 1;
  if (n > 0 && !sigmoid && width !== k) throw new TransformError(`the model outputs ${width} values per instance, but there are ${k} classes`);
  for (let i = 0; i < n; i++) {
    // A plain loop, not Array.from(subarray): this runs once per row of every batch job.
    let probabilities: number[];
    if (sigmoid) probabilities = [1 - outputs[i], outputs[i]];
    else {
      probabilities = new Array<number>(k);
      for (let j = 0; j < k; j++) probabilities[j] = outputs[i * k + j];
    }
    let best = 0;
    for (let j = 1; j < k; j++) if (probabilities[j] > probabilities[best]) best = j;
    predictions.push({ label: label.classes[best], classes: label.classes.slice(), probabilities });
  }
  return predictions;
}
