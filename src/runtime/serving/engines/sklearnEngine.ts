/**
 * Serves scikit-learn models saved as `model.joblib` (tried first) or `model.pkl`, as AI Platform's
 * scikit-learn runtime does: through Python, in a long-lived worker process (../../sklearn/sklearnWorker.ts)
 * started on the first request. Predictions are the model's `predict` (class labels or values), as Cloud
 * returns them; `method: 'predict_proba'` (or env `MODELLAB_SKLEARN_METHOD=predict_proba`) returns class
 * probabilities in `classes_` order instead, for models that have them.
 *
 * Without a Python that imports scikit-learn, loading fails with a message saying what to install (or to
 * convert the model to ONNX with skl2onnx, which the ONNX engine serves without Python).
 *
 * SECURITY: unpickling runs code from the model file. Only load model folders the user chose.
 */
import type { EngineSignature, ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { findSklearnModelFile, recogniseAs, SKLEARN_MODEL_FILES } from '../modelFiles';
import { resolveSklearnPython, SklearnWorker, type SklearnMethod, type SklearnModelInfo } from '../../sklearn/sklearnWorker';

/** In the order Cloud's runtime tries them. */
// Recognition lives in ../modelFiles (shared with the registry and the extension).
export { findSklearnModelFile, SKLEARN_MODEL_FILES };

export interface SklearnEngineOptions {
  method?: SklearnMethod;
  /** The Python executable (default: resolved as sklearnWorker.ts says). */
  python?: string;
}

export class SklearnEngine implements ModelEngine {
  readonly framework = 'sklearn';
  readonly runtime = 'python';
  readonly worker: SklearnWorker;
  readonly method: SklearnMethod;

  constructor(
    readonly modelFile: string,
    options: SklearnEngineOptions = {},
  ) {
    this.method = options.method ?? 'predict';
    this.worker = new SklearnWorker(modelFile, { python: options.python, method: this.method });
  }

  /** Generic until the worker has loaded the model; then the feature count and classes are known. */
  get signature(): EngineSignature {
    const info = this.worker.info;
    const classes = info?.classes?.length ?? -1;
    return {
      inputs: [{ name: 'instances', dtype: 'float64', shape: [-1, info?.nFeaturesIn ?? -1] }],
      outputs: [
        this.method === 'predict_proba'
          ? { name: 'probabilities', dtype: 'float64', shape: [-1, classes] }
          : { name: 'predictions', dtype: info?.classes ? typeof info.classes[0] === 'string' ? 'string' : 'int64' : 'float64', shape: [-1] },
      ],
    };
  }

  /** Starts the worker now rather than on the first request; resolves with what it says about the model. */
  start(): Promise<SklearnModelInfo> {
    return this.worker.start();
  }

  async predict(instances: unknown[]): Promise<PredictOutcome[]> {
    if (instances.length === 0) return [];
    let outcomes: PredictOutcome[];
    try {
      outcomes = await this.worker.predict(instances, this.method);
    } catch (err) {
      // The batch failed as a whole (the worker died, or refused the request): every instance says why.
      const message = err instanceof Error ? err.message : String(err);
      return instances.map(() => ({ error: message }));
    }
    return outcomes.map((o, i) => ('error' in o ? { error: `instance ${i}: ${o.error}` } : o));
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

function methodFromEnv(): SklearnMethod | undefined {
  const m = process.env.MODELLAB_SKLEARN_METHOD?.trim();
  if (!m) return undefined;
  if (m !== 'predict' && m !== 'predict_proba') throw new Error(`MODELLAB_SKLEARN_METHOD must be predict or predict_proba, not "${m}"`);
  return m;
}

export const sklearnLoader: ModelLoader = {
  framework: 'sklearn',
  async detect(dir) {
    return recogniseAs(dir, 'sklearn') !== undefined;
  },
  async load(dir) {
    const file = findSklearnModelFile(dir);
    if (!file) throw new Error(`${dir} holds no scikit-learn model (${SKLEARN_MODEL_FILES.join(', ')})`);
    // Fails now, with what to install, when no Python has scikit-learn; the worker itself starts lazily.
    const { python } = resolveSklearnPython();
    return new SklearnEngine(file, { python, method: methodFromEnv() });
  },
};
