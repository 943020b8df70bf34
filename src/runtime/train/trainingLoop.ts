/**
 * The training loop. It does what `model.fit` does for a Keras-style model, but feeds batches built
 * from typed arrays, accumulates metrics on the device and reads them once per epoch, and yields to
 * the event loop often enough for progress and cancel messages to get through.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import seedrandom from 'seedrandom';
import type { EarlyStoppingSpec } from '../spec/jobSpec';
import { batchTensor, type Examples, permuteRows, shuffledOrder } from './examples';
import type { NamedMetric, PerExampleFn } from './lossesAndMetrics';

export type EpochLogs = Record<string, number>;

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss over the batches of this epoch so far (read at most a few times a second). */
  loss?: number;
}

export interface TrainLoopOptions {
  model: tfl.LayersModel;
  train: Examples;
  eval?: Examples;
  epochs: number;
  batchSize: number;
  optimizer: tf.Optimizer;
  loss: PerExampleFn;
  metrics: NamedMetric[];
  earlyStopping?: EarlyStoppingSpec;
  seed: number;
  shuffle: boolean;
  signal?: AbortSignal;
  onBatchProgress?(progress: BatchProgress): void;
  onEpochEnd?(epoch: number, logs: EpochLogs, improved: boolean): void | Promise<void>;
  /** How often the loop gives the event loop a turn (ms). */
  yieldEveryMs?: number;
}

export interface TrainLoopResult {
  history: EpochLogs[];
  epochsRun: number;
  /** 1-based epoch whose weights the model holds at the end (the best one when restoring best weights). */
  bestEpoch: number;
  bestValue?: number;
  monitor: string;
  stoppedEarly: boolean;
  cancelled: boolean;
}

interface Monitor {
  name: string;
  better(a: number, b: number): boolean;
  patience: number;
  restoreBest: boolean;
  enabled: boolean;
}

function makeMonitor(spec: EarlyStoppingSpec | undefined, hasEval: boolean): Monitor {
  const name = spec?.monitor ?? (hasEval ? 'val_loss' : 'loss');
  const mode = spec?.mode ?? 'auto';
  const maximize = mode === 'max' || (mode === 'auto' && /acc|accuracy|auc|precision|recall/.test(name));
  const minDelta = Math.abs(spec?.minDelta ?? 0);
  return {
    name,
    better: maximize ? (a, b) => a > b + minDelta : (a, b) => a < b - minDelta,
    patience: spec?.patience ?? 0,
    restoreBest: spec?.restoreBestWeights ?? true,
    enabled: spec !== undefined,
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sums of loss and metrics over a set of examples, kept as tensors until read. */
class Accumulator {
  private sums: tf.Scalar[];
  count = 0;
  constructor(private readonly names: string[]) {
    this.sums = names.map(() => tf.keep(tf.scalar(0)));
  }
  add(values: tf.Tensor[], n: number): void {
    this.sums = this.sums.map((sum, i) => {
      const next = tf.keep(tf.add(sum, tf.sum(values[i])) as tf.Scalar);
      sum.dispose();
      return next;
    });
    this.count += n;
  }
  // Reads are asynchronous: the webgpu backend cannot read GPU memory synchronously in Node.
  async peek(index: number): Promise<number> {
    return this.count ? (await this.sums[index].data())[0] / this.count : NaN;
  }
  async read(prefix = ''): Promise<EpochLogs> {
    const logs: EpochLogs = {};
    for (const [i, name] of this.names.entries()) logs[prefix + name] = await this.peek(i);
    return logs;
  }
  dispose(): void {
    tf.dispose(this.sums);
  }
}

function regularizationLoss(model: tfl.LayersModel): tf.Scalar | undefined {
  const fns = model.losses as unknown as Array<() => tf.Scalar>;
  if (!fns || fns.length === 0) return undefined;
  return tf.addN(fns.map((f) => f())) as tf.Scalar;
}

export async function evaluateExamples(
  model: tfl.LayersModel,
  data: Examples,
  loss: PerExampleFn,
  metrics: NamedMetric[],
  batchSize = 512,
): Promise<EpochLogs> {
  const acc = new Accumulator(['loss', ...metrics.map((m) => m.name)]);
  try {
    for (let start = 0; start < data.n; start += batchSize) {
      const count = Math.min(batchSize, data.n - start);
      tf.tidy(() => {
        const x = batchTensor(data.x, start, count, data.xShape);
        const y = batchTensor(data.y, start, count, [data.yWidth]);
        const p = model.apply(x, { training: false }) as tf.Tensor;
        acc.add([loss(y, p), ...metrics.map((m) => m.fn(y, p))], count);
      });
    }
    return await acc.read();
  } finally {
    acc.dispose();
  }
}

export async function runTrainingLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { model, train, optimizer, loss, metrics, signal } = options;
  const batchSize = Math.max(1, Math.min(options.batchSize, train.n));
  const batches = Math.ceil(train.n / batchSize);
  const yieldEveryMs = options.yieldEveryMs ?? 50;
  const random = seedrandom(String(options.seed));
  const monitor = makeMonitor(options.earlyStopping, options.eval !== undefined);
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const names = ['loss', ...metrics.map((m) => m.name)];

  const history: EpochLogs[] = [];
  let best: { epoch: number; value: number; weights?: tf.Tensor[] } | undefined;
  let wait = 0;
  let stoppedEarly = false;
  let cancelled = false;
  let lastYield = performance.now();
  let lastPeek = 0;

  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = options.shuffle ? shuffledOrder(train.n, random) : Uint32Array.from({ length: train.n }, (_, i) => i);
      const xs = permuteRows(train.x, train.x.length / train.n, order);
      const ys = permuteRows(train.y, train.yWidth, order);
      const acc = new Accumulator(names);
      try {
        for (let b = 0; b < batches; b++) {
          const start = b * batchSize;
          const count = Math.min(batchSize, train.n - start);
          tf.tidy(() => {
            const x = batchTensor(xs, start, count, train.xShape);
            const y = batchTensor(ys, start, count, [train.yWidth]);
            let perExample: tf.Tensor[] = [];
            optimizer.minimize(
              () => {
                const p = model.apply(x, { training: true }) as tf.Tensor;
                const losses = loss(y, p);
                perExample = [losses, ...metrics.map((m) => m.fn(y, p))].map((t) => tf.keep(t));
                const mean = tf.mean(losses) as tf.Scalar;
                const reg = regularizationLoss(model);
                return reg ? tf.add(mean, reg) : mean;
              },
              false,
              variables,
            );
            acc.add(perExample, count);
            tf.dispose(perExample);
          });
          const now = performance.now();
          if (options.onBatchProgress && (now - lastPeek > 250 || b === batches - 1)) {
            lastPeek = now;
            options.onBatchProgress({ epoch, epochs: options.epochs, batch: b + 1, batches, loss: await acc.peek(0) });
          }
          if (now - lastYield > yieldEveryMs) {
            await nextTurn();
            lastYield = performance.now();
          }
          if (signal?.aborted) {
            cancelled = true;
            break;
          }
        }
        if (cancelled) break;
        const logs = await acc.read();
        if (options.eval && options.eval.n > 0) {
          const evalLogs = await evaluateExamples(model, options.eval, loss, metrics);
          for (const [k, v] of Object.entries(evalLogs)) logs[`val_${k}`] = v;
        }
        history.push(logs);

        const value = logs[monitor.name];
        if (value === undefined) {
          throw new Error(`early stopping monitors '${monitor.name}', which this run does not compute (it has: ${Object.keys(logs).join(', ')})`);
        }
        const improved = best === undefined || (Number.isFinite(value) && monitor.better(value, best.value));
        if (improved) {
          tf.dispose(best?.weights ?? []);
          best = { epoch, value, weights: monitor.restoreBest ? model.getWeights().map((w) => tf.keep(w.clone())) : undefined };
          wait = 0;
        } else {
          wait++;
        }
        await options.onEpochEnd?.(epoch, logs, improved);
        if (!Number.isFinite(logs.loss)) throw new Error(`the loss became ${logs.loss} at epoch ${epoch}: lower the learning rate or check the data for extreme values`);
        if (monitor.enabled && !improved && wait >= monitor.patience) {
          stoppedEarly = true;
          break;
        }
        await nextTurn();
        lastYield = performance.now();
        if (signal?.aborted) {
          cancelled = true;
          break;
        }
      } finally {
        acc.dispose();
      }
    }
    const lastEpoch = history.length;
    if (best?.weights && best.epoch !== lastEpoch) model.setWeights(best.weights);
    return {
      history,
      epochsRun: lastEpoch,
      bestEpoch: best?.weights ? best.epoch : lastEpoch,
      bestValue: best?.value,
      monitor: monitor.name,
      stoppedEarly,
      cancelled,
    };
  } finally {
    tf.dispose(best?.weights ?? []);
  }
}
