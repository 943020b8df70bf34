/**
 * `modellab.json`: what a model folder made by Model Lab says about itself — enough to serve raw
 * records without the spec (signature + fitted transform + labels) and to trace where it came from.
 */
import type { FittedTransform } from '../transform/fittedTransform';
import type { ColumnType } from '../data/records';
import type { HyperparameterValues, JobSpec, Task } from '../spec/jobSpec';

export const MANIFEST_FILE = 'modellab.json';
export const MANIFEST_FORMAT = 'modellab-bundle';

export interface TensorSignature {
  name: string;
  dtype: 'float32' | 'int32' | 'string';
  /** -1 for the batch dimension. */
  shape: number[];
}

export interface BundleManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  framework: 'tfjs-layers';
  createdAt: string;
  task: Task;
  signature: {
    /** The raw record fields a client sends (before the transform). */
    rawInputs: { name: string; type: ColumnType }[];
    /** The tensor the model itself takes (after the transform). */
    inputs: TensorSignature[];
    outputs: TensorSignature[];
  };
  transform: FittedTransform;
  /** Class names in output order (classification only). */
  labels?: string[];
  /** Eval metrics of the epoch whose weights are saved, and the training ones beside them. */
  metrics: Record<string, number>;
  lineage: {
    runId: string;
    specFile: string;
    spec: JobSpec;
    hyperparameters: HyperparameterValues;
    seed: number;
    backend: string;
    epoch: number;
    data: { files: { path: string; bytes: number; sha256: string }[]; trainRecords: number; evalRecords: number; fingerprint: string };
  };
}
