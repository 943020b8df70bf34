/**
 * Serves a Model Lab bundle with TensorFlow.js: raw records through the saved transform, then the
 * layers model. (A faster ONNX Runtime path for bundles can take precedence where the layers convert.)
 */
import { ensureBackend } from '../../backend/selectBackend';
import { type LoadedBundle, loadBundle } from '../../bundle/bundle';
import { runModel } from '../../predict/predictRecords';
import type { ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { recogniseAs } from '../modelFiles';
import { predictBundleInstances } from './bundleInstances';

export class TfjsBundleEngine implements ModelEngine {
  readonly framework = 'modellab-bundle';
  readonly runtime: string;

  constructor(
    private readonly bundle: LoadedBundle,
    backend: string,
  ) {
    this.runtime = `tfjs-${backend}`;
  }

  get signature() {
    const s = this.bundle.manifest.signature;
    return { inputs: s.inputs, outputs: s.outputs, rawInputs: s.rawInputs };
  }

  async predict(instances: unknown[]): Promise<PredictOutcome[]> {
    return predictBundleInstances(this.bundle.manifest.transform, instances, (x, n) => runModel(this.bundle, x, n));
  }

  async close(): Promise<void> {
    this.bundle.model.dispose();
  }
}

export const tfjsBundleLoader: ModelLoader = {
  framework: 'modellab-bundle',
  async detect(dir) {
    return recogniseAs(dir, 'modellab-bundle') !== undefined;
  },
  async load(dir) {
    const backend = await ensureBackend();
    return new TfjsBundleEngine(await loadBundle(dir), backend.name);
  },
};
