/**
 * Serves a model saved by XGBoost itself (`model.json` / `model.ubj`, or `model.bst` in the legacy binary
 * format, as Cloud ML Engine's xgboost runtime loads it) with Model Lab's TypeScript tree evaluator.
 * Predictions are what Cloud ML Engine's xgboost runtime returns (`Booster.predict` on a DMatrix of the
 * instances): a probability for binary:logistic, a list of class probabilities for multi:softprob, the
 * class index for multi:softmax, the value for regression. All trees are used, as `Booster.predict` does;
 * `useBestIteration` limits them to `best_iteration` instead.
 */
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSignature, ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { readXGBoostModelFile, sniffXGBoostEncoding, type XGBoostModel } from '../../xgboost/xgboostModel';
import { instanceToRow, predictRow, type XGBoostPredictOptions } from '../../xgboost/xgboostPredict';

/** The files an XGBoost model folder may hold, in the order they are tried. */
export const XGBOOST_MODEL_FILES = ['model.json', 'model.ubj', 'model.bst'] as const;

export interface XGBoostEngineOptions {
  /** Use only the trees up to `best_iteration` when the model records one (as the sklearn wrapper does). */
  useBestIteration?: boolean;
}

export class XGBoostEngine implements ModelEngine {
  readonly framework = 'xgboost';
  readonly runtime = 'typescript';
  readonly signature: EngineSignature;
  private readonly predictOptions: XGBoostPredictOptions;

  constructor(
    readonly model: XGBoostModel,
    options: XGBoostEngineOptions = {},
  ) {
    const perClass = model.numGroups > 1 && model.objective !== 'multi:softmax';
    this.signature = {
      inputs: [{ name: 'features', dtype: 'float32', shape: [-1, model.numFeature] }],
      outputs: [{ name: 'predictions', dtype: 'float32', shape: perClass ? [-1, model.numGroups] : [-1] }],
    };
    this.predictOptions =
      options.useBestIteration && model.bestIteration !== undefined && model.booster !== 'gblinear'
        ? { iterationRange: [0, model.bestIteration + 1] }
        : {};
  }

  async predict(instances: unknown[]): Promise<PredictOutcome[]> {
    return instances.map((instance, i) => {
      let row: Float32Array;
      try {
        row = instanceToRow(this.model, instance);
      } catch (err) {
        return { error: `instance ${i}: ${err instanceof Error ? err.message : String(err)}` };
      }
      return { prediction: predictRow(this.model, row, this.predictOptions) };
    });
  }

  async close(): Promise<void> {}
}

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** The XGBoost model file in a folder, recognised by content; undefined when there is none. */
export function findXGBoostModelFile(dir: string): string | undefined {
  for (const name of XGBOOST_MODEL_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    if (name !== 'model.json') return path;
    // model.json is also TensorFlow.js's name: XGBoost's starts with its "learner" (or "version") key.
    const start = head(path, 256);
    if (sniffXGBoostEncoding(start) === 'json' && /^\s*\{\s*"(learner|version)"\s*:/.test(new TextDecoder().decode(start))) return path;
  }
  return undefined;
}

export const xgboostLoader: ModelLoader = {
  framework: 'xgboost',
  async detect(dir) {
    return findXGBoostModelFile(dir) !== undefined;
  },
  async load(dir) {
    const file = findXGBoostModelFile(dir);
    if (!file) throw new Error(`${dir} holds no XGBoost model (${XGBOOST_MODEL_FILES.join(', ')})`);
    return new XGBoostEngine(readXGBoostModelFile(file));
  },
};
