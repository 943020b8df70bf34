/**
 * The contract every servable model folder meets, whatever made it: a Model Lab bundle (through ONNX
 * Runtime or TensorFlow.js), an ONNX file, an XGBoost model, a Keras .h5, a scikit-learn pickle. The
 * online server, batch prediction and `model-lab predict` all use it.
 */

export interface SignatureTensor {
  name: string;
  dtype: string;
  /** -1 for unknown dimensions (the batch). */
  shape: number[];
}

export interface EngineSignature {
  inputs: SignatureTensor[];
  outputs: SignatureTensor[];
  /** For models that take raw records (Model Lab bundles): the fields a record must have. */
  rawInputs?: { name: string; type: string }[];
}

/** One instance's answer: a prediction, or an error naming what is wrong with that instance. */
export type PredictOutcome = { prediction: unknown } | { error: string };

export interface ModelEngine {
  /** e.g. 'modellab-bundle', 'onnx', 'xgboost', 'keras-h5', 'sklearn'. */
  readonly framework: string;
  /** Which runtime computes the predictions, e.g. 'onnxruntime', 'tfjs-wasm', 'typescript', 'python'. */
  readonly runtime: string;
  readonly signature: EngineSignature;
  /**
   * Predicts a batch. Instances are as clients send them (`instances` of a :predict request, or lines of
   * a batch input). One outcome per instance, in order; a bad instance never fails the others.
   */
  predict(instances: unknown[]): Promise<PredictOutcome[]>;
  /**
   * True when `predict` also takes NumericTensor instances (lists of numbers already read into a
   * Float64Array by the online server's fast path); engines without it get only what JSON.parse gives.
   */
  readonly acceptsNumericTensors?: boolean;
  close(): Promise<void>;
}

/** What a caller may ask of the loading, where it knows better than the defaults. */
export interface LoadOptions {
  /**
   * ONNX Runtime intra-op threads per session (default: ONNX Runtime's, one per core). Batch prediction's
   * engine workers ask for 1: they run one replica per core and parallelise across replicas instead.
   */
  onnxThreads?: number;
}

export interface ModelLoader {
  readonly framework: string;
  /** True when the folder holds a model of this kind (recognised by content, not by name). */
  detect(dir: string): Promise<boolean>;
  load(dir: string, options?: LoadOptions): Promise<ModelEngine>;
}
