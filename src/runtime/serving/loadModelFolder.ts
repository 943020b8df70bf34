/**
 * Recognises a model folder by its content (./modelFiles, the one rule) and loads it with the engine of
 * that kind.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadOptions, ModelEngine, ModelLoader } from './modelEngine';
import { recogniseModelFolder, SERVABLE_FOLDER_HINT } from './modelFiles';
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

/** The loader for the folder's kind: the first of MODEL_LOADERS with that framework. */
export async function detectFramework(dir: string): Promise<ModelLoader | undefined> {
  const kind = recogniseModelFolder(dir)?.kind;
  return kind === undefined ? undefined : MODEL_LOADERS.find((loader) => loader.framework === kind);
}

export async function loadModelFolder(dir: string, options?: LoadOptions): Promise<ModelEngine> {
  const path = resolve(dir);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${path} is not a folder`);
  const loader = await detectFramework(path);
  if (!loader) {
    throw new Error(`${path} holds no model Model Lab can serve: ${SERVABLE_FOLDER_HINT}`);
  }
  return loader.load(path, options);
}
