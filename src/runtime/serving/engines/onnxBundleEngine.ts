/**
 * Serves a Model Lab bundle through ONNX Runtime: raw records through the saved transform (the same
 * TypeScript code training used), then the converted layers graph. ONNX Runtime answers an MLP batch
 * tens of times faster than TensorFlow.js on wasm, so this loader comes first; when a layer does not
 * convert, or ONNX Runtime refuses the graph, the bundle is served by TensorFlow.js instead and
 * `onnxFallbackReason(engine)` says why.
 */
import * as ort from 'onnxruntime-node';
import type { BundleManifest } from '../../bundle/manifest';
import { readManifest } from '../../bundle/bundle';
import { bundleOnnx } from '../../onnx/bundleOnnx';
import type { LoadOptions, ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { recogniseAs } from '../modelFiles';
import { predictBundleInstances } from './bundleInstances';
import { createOnnxSession } from './onnxSession';
import { tfjsBundleLoader } from './tfjsBundleEngine';

/** Rows per ONNX Runtime call: bounds the input and output buffers for huge batch requests. */
const MAX_ROWS_PER_RUN = 4096;

export class OnnxBundleEngine implements ModelEngine {
  readonly framework = 'modellab-bundle';
  readonly runtime = 'onnxruntime';
  private readonly inputDims: number[];
  private readonly width: number;

  constructor(
    private readonly manifest: BundleManifest,
    private readonly session: ort.InferenceSession,
  ) {
    this.inputDims = manifest.signature.inputs[0].shape.slice(1);
    this.width = this.inputDims.reduce((a, b) => a * b, 1);
  }

  get signature() {
    const s = this.manifest.signature;
    return { inputs: s.inputs, outputs: s.outputs, rawInputs: s.rawInputs };
  }

  /** The model on already-transformed rows: `n` rows in, the raw outputs out (row-major). */
  async runModel(x: Float32Array, n: number): Promise<Float32Array> {
    const [inputName] = this.session.inputNames;
    const [outputName] = this.session.outputNames;
    const parts: Float32Array[] = [];
    for (let start = 0; start < n; start += MAX_ROWS_PER_RUN) {
      const count = Math.min(MAX_ROWS_PER_RUN, n - start);
      const input = new ort.Tensor('float32', x.subarray(start * this.width, (start + count) * this.width), [count, ...this.inputDims]);
      const result = await this.session.run({ [inputName]: input });
      parts.push(result[outputName].data as Float32Array);
    }
    if (parts.length === 1) return parts[0];
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  async predict(instances: unknown[]): Promise<PredictOutcome[]> {
    return predictBundleInstances(this.manifest.transform, instances, (x, n) => this.runModel(x, n));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

const fallbackReasons = new WeakMap<ModelEngine, string>();

/** Why a bundle loaded by onnxBundleLoader is served by TensorFlow.js, or undefined if it is not. */
export function onnxFallbackReason(engine: ModelEngine): string | undefined {
  return fallbackReasons.get(engine);
}

/** The bundle through ONNX Runtime, or an error saying why it cannot be. */
export async function loadOnnxBundleEngine(dir: string, options: LoadOptions = {}): Promise<OnnxBundleEngine> {
  const manifest = await readManifest(dir);
  const { bytes } = await bundleOnnx(dir, manifest.labels);
  const session = await createOnnxSession(bytes, options);
  return new OnnxBundleEngine(manifest, session);
}

export const onnxBundleLoader: ModelLoader = {
  framework: 'modellab-bundle',
  async detect(dir) {
    return recogniseAs(dir, 'modellab-bundle') !== undefined;
  },
  async load(dir, options) {
    try {
      return await loadOnnxBundleEngine(dir, options);
    } catch (err) {
      const engine = await tfjsBundleLoader.load(dir);
      fallbackReasons.set(engine, err instanceof Error ? err.message : String(err));
      return engine;
    }
  },
};
