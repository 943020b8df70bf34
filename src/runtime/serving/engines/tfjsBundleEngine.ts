/**
 * Serves a Model Lab bundle with TensorFlow.js: raw records through the saved transform, then the
 * layers model. (A faster ONNX Runtime path for bundles can take precedence where the layers convert.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBackend } from '../../backend/selectBackend';
import { type LoadedBundle, loadBundle } from '../../bundle/bundle';
import { MANIFEST_FILE } from '../../bundle/manifest';
import { MODEL_JSON } from '../../bundle/layersModelFiles';
import { runModel } from '../../predict/predictRecords';
import type { ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
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
    return existsSync(join(dir, MANIFEST_FILE)) && existsSync(join(dir, MODEL_JSON));
  },
  async load(dir) {
    const backend = await ensureBackend();
    return new TfjsBundleEngine(await loadBundle(dir), backend.name);
  },
};
