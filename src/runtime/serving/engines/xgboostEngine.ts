/**
 * Serves a model saved by XGBoost itself (`model.json` / `model.ubj`, or `model.bst` in the legacy binary
 * format, as Cloud ML Engine's xgboost runtime loads it) with Model Lab's TypeScript tree evaluator.
 * Predictions are what Cloud ML Engine's xgboost runtime returns (`Booster.predict` on a DMatrix of the
 * instances): a probability for binary:logistic, a list of class probabilities for multi:softprob, the
 * class index for multi:softmax, the value for regression. All trees are used, as `Booster.predict` does;
 * `useBestIteration` limits them to `best_iteration` instead.
 */
import type { EngineSignature, ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { findXGBoostModelFile, recogniseAs, XGBOOST_MODEL_FILES } from '../modelFiles';
import { readXGBoostModelFile, type XGBoostModel } from '../../xgboost/xgboostModel';
import { instanceToRow, predictRow, type XGBoostPredictOptions } from '../../xgboost/xgboostPredict';

// Recognition lives in ../modelFiles (shared with the registry and the extension).
export { findXGBoostModelFile, XGBOOST_MODEL_FILES };

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

export const xgboostLoader: ModelLoader = {
  framework: 'xgboost',
  async detect(dir) {
    return recogniseAs(dir, 'xgboost') !== undefined;
  },
  async load(dir) {
    const file = findXGBoostModelFile(dir);
    if (!file) throw new Error(`${dir} holds no XGBoost model (${XGBOOST_MODEL_FILES.join(', ')})`);
    return new XGBoostEngine(readXGBoostModelFile(file));
  },
};
