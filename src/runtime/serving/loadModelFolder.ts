/**
 * Recognises a model folder by its content and loads it with the matching engine. Loaders are tried
 * in order; the first that recognises the folder loads it.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelEngine, ModelLoader } from './modelEngine';
import { onnxBundleLoader } from './engines/onnxBundleEngine';
import { onnxLoader } from './engines/onnxEngine';
import { tfjsBundleLoader } from './engines/tfjsBundleEngine';
import { xgboostLoader } from './engines/xgboostEngine';
import { sklearnLoader } from './engines/sklearnEngine';
import { kerasLoader } from './engines/kerasEngine';

/** Best first: more specific formats before more general ones. */
// onnxBundleLoader serves bundles through ONNX Runtime and falls back to TensorFlow.js itself; the
// plain onnxLoader comes after the bundle loaders, whose folders may hold a cached model.onnx.
export const MODEL_LOADERS: ModelLoader[] = [onnxBundleLoader, tfjsBundleLoader, xgboostLoader, onnxLoader, kerasLoader, sklearnLoader];

export async function detectFramework(dir: string): Promise<ModelLoader | undefined> {
  for (const loader of MODEL_LOADERS) {
    if (await loader.detect(dir)) return loader;
  }
  return undefined;
}

export async function loadModelFolder(dir: string): Promise<ModelEngine> {
  const path = resolve(dir);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${path} is not a folder`);
  const loader = await detectFramework(path);
  if (!loader) {
    throw new Error(
      `${path} holds no model Model Lab can serve: expected a Model Lab bundle (modellab.json + model.json), an ONNX model (*.onnx), ` +
        'an XGBoost model (model.json / model.ubj / model.bst), a Keras model (*.h5) or a scikit-learn model (model.joblib / model.pkl)',
    );
  }
  return loader.load(path);
}
