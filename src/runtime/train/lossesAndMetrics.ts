/**
 * Losses and metrics by the names Keras and TensorFlow.js users know. Each function returns one value
 * per example, so the training loop can sum them over an epoch and report exact means.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { closest } from 'fastest-levenshtein';
import type { Task } from '../spec/jobSpec';

export type PerExampleFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

const LOSSES: Record<string, PerExampleFn> = {
  categoricalCrossentropy: (y, p) => tfl.metrics.categoricalCrossentropy(y, p),
  binaryCrossentropy: (y, p) => tfl.metrics.binaryCrossentropy(y, p),
  meanSquaredError: (y, p) => tfl.metrics.meanSquaredError(y, p),
  meanAbsoluteError: (y, p) => tfl.metrics.meanAbsoluteError(y, p),
  meanAbsolutePercentageError: (y, p) => tfl.metrics.meanAbsolutePercentageError(y, p),
  huber: (y, p) => tf.mean(tf.losses.huberLoss(y, p, undefined, 1.0, tf.Reduction.NONE), -1),
};

const LOSS_ALIASES: Record<string, string> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  crossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mean_absolute_error: 'meanAbsoluteError',
  huberLoss: 'huber',
};

const METRICS: Record<string, PerExampleFn> = {
  accuracy: (y, p) => tfl.metrics.categoricalAccuracy(y, p),
  mse: LOSSES.meanSquaredError,
  mae: LOSSES.meanAbsoluteError,
  mape: LOSSES.meanAbsolutePercentageError,
  crossentropy: LOSSES.categoricalCrossentropy,
};

const METRIC_ALIASES: Record<string, string> = {
  acc: 'accuracy',
  categoricalAccuracy: 'accuracy',
  meanSquaredError: 'mse',
  meanAbsoluteError: 'mae',
  meanAbsolutePercentageError: 'mape',
};

function unknown(kind: string, name: string, known: string[]): Error {
  return new Error(`unknown ${kind} '${name}' (did you mean '${closest(name, known)}'?); known: ${known.join(', ')}`);
}

export function defaultLoss(task: Task): string {
  return task === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError';
}

export function defaultMetrics(task: Task): string[] {
  return task === 'classification' ? ['accuracy'] : ['mae'];
}

export function resolveLoss(name: string): PerExampleFn {
  const fn = LOSSES[LOSS_ALIASES[name] ?? name];
  if (!fn) throw unknown('loss', name, [...Object.keys(LOSSES), ...Object.keys(LOSS_ALIASES)]);
  return fn;
}

export interface NamedMetric {
  /** The name reported in metrics.jsonl and TensorBoard (the spec's spelling, normalised). */
  name: string;
  fn: PerExampleFn;
}

export function resolveMetrics(names: string[], task: Task): NamedMetric[] {
  return names.map((raw) => {
    const name = METRIC_ALIASES[raw] ?? raw;
    const fn = METRICS[name];
    if (!fn) throw unknown('metric', raw, [...Object.keys(METRICS), ...Object.keys(METRIC_ALIASES)]);
    if (name === 'accuracy' && task !== 'classification') {
      throw new Error(`metric 'accuracy' needs a classification task; this is a regression (try 'mae' or 'mse')`);
    }
    return { name, fn };
  });
}
