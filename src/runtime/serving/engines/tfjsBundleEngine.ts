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
import type { RawRecord } from '../../data/records';
import { runModel } from '../../predict/predictRecords';
import { applyTransform, decodeOutputs, validateInstances } from '../../transform/apply';
import type { ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';

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
    const { transform } = this.bundle.manifest;
    const outcomes: PredictOutcome[] = new Array(instances.length);
    const good: RawRecord[] = [];
    const goodIndex: number[] = [];
    instances.forEach((instance, i) => {
      try {
        validateInstances(transform, [instance as RawRecord]);
        good.push(instance as RawRecord);
        goodIndex.push(i);
      } catch (err) {
        // The transform numbers instances within the list it was given: say which one of the request's.
        outcomes[i] = { error: (err instanceof Error ? err.message : String(err)).replace(/^instance 0\b/, `instance ${i}`) };
      }
    });
    if (good.length > 0) {
      const outputs = await runModel(this.bundle, applyTransform(transform, good), good.length);
      decodeOutputs(transform, outputs, good.length).forEach((prediction, j) => (outcomes[goodIndex[j]] = { prediction }));
    }
    return outcomes;
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
