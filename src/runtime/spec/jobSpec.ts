/**
 * The job spec (`modellab.yaml`) as the engine sees it after loading, validation, overrides and
 * placeholder resolution. `schemas/modellab.schema.json` describes the same shape for users and
 * VS Code; `loadJobSpec` checks a file against that schema before the engine ever sees it.
 */

export type Task = 'classification' | 'regression';

export interface JobSpec {
  name: string;
  data: DataSpec;
  /** Column name (or a `*` glob over column names) → how to preprocess it. Absent: every non-label column, by type. */
  features?: Record<string, FeatureSpec>;
  model: ModelSpec;
  training?: TrainingSpec;
  hyperparameters?: HyperparameterSpec;
}

export interface DataSpec {
  /** Path, glob, or list of them, relative to the spec file. CSV (`.csv`, `.csv.gz`) or JSON Lines (`.jsonl`, `.json`, `.ndjson`). */
  source: string | string[];
  format?: 'csv' | 'jsonl';
  label: string;
  task?: Task;
  split?: SplitSpec;
  /** What to do with a record that cannot be parsed or has the wrong type. Default: fail. */
  onBadRecord?: 'fail' | 'skip';
  csv?: { delimiter?: string; header?: boolean; columns?: string[] };
}

export interface SplitSpec {
  /** Fraction of records held out for evaluation (0..1), or a path/glob of a separate eval file. */
  eval: number | string;
  seed?: number;
}

export type TransformName = 'zscore' | 'minmax' | 'vocabulary' | 'quantile' | 'hash' | 'identity' | 'drop';

export type FeatureSpec = TransformName | FeatureOptions;

export interface FeatureOptions {
  transform: TransformName;
  /** Value used where the column is missing/empty: a constant, or a statistic of the training split. */
  fill?: number | string | 'mean' | 'median' | 'mode';
  /** quantile: number of buckets; hash: number of hash buckets. */
  buckets?: number;
  /** vocabulary: out-of-vocabulary buckets (default 1). */
  oovBuckets?: number;
  /** vocabulary: keep only the most frequent K values. */
  topK?: number;
  /** vocabulary: drop values seen fewer times than this in training. */
  minFrequency?: number;
  /** Categorical outputs (vocabulary, hash, quantile): one-hot columns (default) or one integer index. */
  encoding?: 'onehot' | 'index';
}

export type ModelSpec = LayersModelSpec | TrainerModelSpec;

export interface LayersModelSpec {
  layers: LayerSpec[];
  /** `auto` (default) appends the output layer the task needs (softmax over classes, or one linear unit). */
  head?: 'auto' | 'none';
}

export interface TrainerModelSpec {
  /** A module (TS or JS) whose default export (or `buildModel`) builds a tf.LayersModel from hyperparameters. */
  trainer: string;
}

export type Activation = 'relu' | 'relu6' | 'elu' | 'selu' | 'sigmoid' | 'tanh' | 'softmax' | 'softplus' | 'softsign' | 'linear' | 'swish' | 'mish' | 'hardSigmoid';

export type LayerSpec =
  | { type: 'dense'; units: number; activation?: Activation; useBias?: boolean; l1?: number; l2?: number }
  | { type: 'dropout'; rate: number }
  | { type: 'batchNormalization'; momentum?: number; epsilon?: number }
  | { type: 'conv2d'; filters: number; kernelSize: number | [number, number]; strides?: number | [number, number]; padding?: 'valid' | 'same'; activation?: Activation }
  | { type: 'maxPooling2d' | 'averagePooling2d'; poolSize?: number | [number, number]; strides?: number | [number, number]; padding?: 'valid' | 'same' }
  | { type: 'globalAveragePooling2d' | 'globalMaxPooling2d' | 'flatten' }
  | { type: 'reshape'; targetShape: number[] }
  | { type: 'embedding'; inputDim: number; outputDim: number }
  | { type: 'activation'; activation: Activation };

export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'adamax' | 'adagrad' | 'adadelta' | 'rmsprop';

export interface OptimizerSpec {
  type: OptimizerName;
  learningRate?: number;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  rho?: number;
}

export interface EarlyStoppingSpec {
  /** Metric to watch, e.g. `val_loss` (default) or `val_accuracy`. */
  monitor?: string;
  patience?: number;
  minDelta?: number;
  mode?: 'auto' | 'min' | 'max';
  /** Keep the weights of the best epoch in the bundle (default true). */
  restoreBestWeights?: boolean;
}

export interface TrainingSpec {
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName | OptimizerSpec;
  loss?: string;
  metrics?: string[];
  earlyStopping?: EarlyStoppingSpec | boolean;
  seed?: number;
  shuffle?: boolean;
}

export type Goal = 'GOAL_TYPE_UNSPECIFIED' | 'MAXIMIZE' | 'MINIMIZE';
export type Algorithm = 'ALGORITHM_UNSPECIFIED' | 'GRID_SEARCH' | 'RANDOM_SEARCH';
export type ParameterType = 'PARAMETER_TYPE_UNSPECIFIED' | 'DOUBLE' | 'INTEGER' | 'CATEGORICAL' | 'DISCRETE';
export type ScaleType = 'NONE' | 'UNIT_LINEAR_SCALE' | 'UNIT_LOG_SCALE' | 'UNIT_REVERSE_LOG_SCALE';

/** Cloud ML Engine's `HyperparameterSpec`, field for field. int64/int32 fields are numbers after loading. */
export interface HyperparameterSpec {
  goal?: Goal;
  hyperparameterMetricTag?: string;
  maxTrials?: number;
  maxParallelTrials?: number;
  maxFailedTrials?: number;
  enableTrialEarlyStopping?: boolean;
  resumePreviousJobId?: string;
  algorithm?: Algorithm;
  params: ParameterSpec[];
}

export interface ParameterSpec {
  parameterName: string;
  type: ParameterType;
  minValue?: number;
  maxValue?: number;
  categoricalValues?: string[];
  discreteValues?: number[];
  scaleType?: ScaleType;
}

export type HyperparameterValues = Record<string, number | string>;
