/**
 * A trainer module for Model Lab: `model: { trainer: trainer.ts }` in modellab.yaml.
 *
 * The engine imports this file and calls its default export with a context, then compiles the
 * returned tf.LayersModel with the spec's `training` section (optimizer, loss, metrics) and fits it
 * on the transformed data. The module builds the whole network, output layer included: a trainer
 * model gets no automatic head.
 *
 * Everything from TensorFlow.js comes in through `ctx.tfl` / `ctx.tf`, so this file needs no
 * node_modules of its own. The interfaces below describe only the part of
 * `@tensorflow/tfjs-layers` it uses; the real module satisfies them.
 */

/** The layers of `@tensorflow/tfjs-layers` this trainer creates (structurally, what it needs). */
interface Layer {
  readonly name: string;
}

interface DenseArgs {
  units: number;
  activation?: 'relu' | 'tanh' | 'sigmoid' | 'softmax' | 'linear';
  inputShape?: (number | null)[];
  name?: string;
}

interface DropoutArgs {
  rate: number;
  seed?: number;
  name?: string;
}

/** `tf.Sequential`, a `tf.LayersModel`. */
interface SequentialModel {
  add(layer: Layer): void;
  readonly inputs: unknown[];
  readonly outputs: unknown[];
}

/** The part of `typeof import('@tensorflow/tfjs-layers')` used here. */
interface LayersApi {
  sequential(config?: { name?: string }): SequentialModel;
  layers: {
    dense(args: DenseArgs): Layer;
    dropout(args: DropoutArgs): Layer;
  };
}

/** What the engine passes to `buildModel`. */
export interface TrainerContext {
  /** Shape of one transformed example, without the batch dimension, e.g. `[4]` for iris. */
  inputShape: number[];
  /** Number of classes for classification; 0 for regression. */
  numClasses: number;
  /** The trial's hyperparameters (from the spec's `hyperparameters.params`), by parameterName. */
  hyperparameters: Record<string, number | string>;
  /** `@tensorflow/tfjs-core` (unused here). */
  tf: unknown;
  /** `@tensorflow/tfjs-layers`. */
  tfl: LayersApi;
}

function numberParam(hp: Record<string, number | string>, name: string, fallback: number): number {
  const value = hp[name];
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`hyperparameter ${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

export default function buildModel(ctx: TrainerContext): SequentialModel {
  const { tfl, inputShape, numClasses, hyperparameters } = ctx;
  const hiddenUnits = Math.round(numberParam(hyperparameters, 'hidden_units', 16));
  const dropout = numberParam(hyperparameters, 'dropout', 0.1);

  const model = tfl.sequential({ name: 'iris_trainer' });
  model.add(tfl.layers.dense({ units: hiddenUnits, activation: 'relu', inputShape, name: 'hidden_1' }));
  model.add(tfl.layers.dropout({ rate: dropout, name: 'dropout_1' }));
  model.add(tfl.layers.dense({ units: hiddenUnits, activation: 'relu', name: 'hidden_2' }));
  model.add(
    numClasses > 0
      ? tfl.layers.dense({ units: numClasses, activation: 'softmax', name: 'probabilities' })
      : tfl.layers.dense({ units: 1, activation: 'linear', name: 'prediction' }),
  );
  return model;
}

export { buildModel };
