/**
 * The one rule that says whether a folder holds a model Model Lab can serve, of which kind, and in which
 * file. The engines' `detect`, the registry (the framework a version records) and the VS Code extension
 * (the Explorer's model-folder menu) all ask here, so a folder is recognised the same way everywhere.
 *
 * Plain `node:fs` only, reading at most a few hundred bytes of a file: the extension host imports this
 * module, and it must never pull in TensorFlow.js, ONNX Runtime or h5wasm.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The engine kinds, named as each loader's `framework`; recognition tries them in this order. */
export const MODEL_KINDS = ['modellab-bundle', 'xgboost', 'onnx', 'keras-h5', 'sklearn'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** A Model Lab bundle: its manifest, beside the TensorFlow.js Layers model. */
export const BUNDLE_MANIFEST_FILE = 'modellab.json';
export const BUNDLE_MODEL_FILE = 'model.json';
export const XGBOOST_MODEL_FILES = ['model.json', 'model.ubj', 'model.bst'] as const;
export const SKLEARN_MODEL_FILES = ['model.joblib', 'model.pkl'] as const;
export const ONNX_MODEL_FILE = 'model.onnx';
export const KERAS_MODEL_FILE = 'model.h5';

/**
 * File names whose presence makes a folder worth a look (globs relative to the folder). A watcher or a
 * workspace scan uses them to find candidates; `recogniseModelFolder` then decides by content.
 */
export const MODEL_FILE_GLOBS = [BUNDLE_MANIFEST_FILE, ...XGBOOST_MODEL_FILES, ...SKLEARN_MODEL_FILES, '*.onnx', '*.h5', '*.hdf5', '*.keras'];

export interface RecognisedModel {
  kind: ModelKind;
  /** The file the engine loads (for a bundle: its modellab.json); undefined when the folder is ambiguous. */
  file?: string;
  /** Why `file` is undefined, e.g. several ONNX files and no model.onnx. */
  problem?: string;
}

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } catch {
    return new Uint8Array(0);
  } finally {
    closeSync(fd);
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** `modellab.json` + `model.json`: a bundle written by `model-lab train`. */
export function findBundleManifest(dir: string): string | undefined {
  const manifest = join(dir, BUNDLE_MANIFEST_FILE);
  return isFile(manifest) && isFile(join(dir, BUNDLE_MODEL_FILE)) ? manifest : undefined;
}

/** The XGBoost model file in a folder, recognised by content; undefined when there is none. */
export function findXGBoostModelFile(dir: string): string | undefined {
  for (const name of XGBOOST_MODEL_FILES) {
    const path = join(dir, name);
    if (!isFile(path)) continue;
    if (name !== 'model.json') return path;
    // model.json is also TensorFlow.js's name: XGBoost's JSON starts with its "learner" (or "version") key.
    if (/^\s*\{\s*"(learner|version)"\s*:/.test(new TextDecoder().decode(head(path, 256)))) return path;
  }
  return undefined;
}

/** True when the folder holds any `*.onnx` (what makes it an ONNX folder, even an ambiguous one). */
export function holdsOnnx(dir: string): boolean {
  return listFiles(dir).some((n) => n.endsWith('.onnx'));
}

/** `model.onnx` if present, else the folder's only `*.onnx`; several without a model.onnx is an error. */
export function findOnnxFile(dir: string): string | undefined {
  const names = listFiles(dir).filter((n) => n.endsWith('.onnx'));
  if (names.includes(ONNX_MODEL_FILE)) return join(dir, ONNX_MODEL_FILE);
  if (names.length > 1) throw new Error(`${dir} holds several ONNX files (${names.join(', ')}): name the one to serve ${ONNX_MODEL_FILE}`);
  return names.length === 1 ? join(dir, names[0]) : undefined;
}

/** The Keras file of a folder: `model.h5`, else its only `*.h5` / `*.hdf5` / `*.keras`. */
export function findKerasModelFile(dir: string): string | undefined {
  if (existsSync(join(dir, KERAS_MODEL_FILE))) return join(dir, KERAS_MODEL_FILE);
  const candidates = listFiles(dir).filter((n) => /\.(h5|hdf5|keras)$/i.test(n));
  return candidates.length === 1 ? join(dir, candidates[0]) : undefined;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5's superblock signature sits at byte 0, 512, 1024, 2048… (a user block may come first). */
export function startsAsHdf5(path: string): boolean {
  const bytes = head(path, 2048);
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/** A Keras model: an HDF5 file, or a `.keras` archive (recognised so that loading can say what to do). */
function findRecognisedKerasFile(dir: string): string | undefined {
  const file = findKerasModelFile(dir);
  return file !== undefined && (file.endsWith('.keras') || startsAsHdf5(file)) ? file : undefined;
}

export function findSklearnModelFile(dir: string): string | undefined {
  return SKLEARN_MODEL_FILES.map((f) => join(dir, f)).find(isFile);
}

/** Whether `dir` holds a model of this kind, with its file. */
export function recogniseAs(dir: string, kind: ModelKind): RecognisedModel | undefined {
  switch (kind) {
    case 'modellab-bundle': {
      const file = findBundleManifest(dir);
      return file ? { kind, file } : undefined;
    }
    case 'xgboost': {
      const file = findXGBoostModelFile(dir);
      return file ? { kind, file } : undefined;
    }
    case 'onnx': {
      if (!holdsOnnx(dir)) return undefined;
      try {
        return { kind, file: findOnnxFile(dir) };
      } catch (err) {
        return { kind, problem: err instanceof Error ? err.message : String(err) };
      }
    }
    case 'keras-h5': {
      const file = findRecognisedKerasFile(dir);
      return file ? { kind, file } : undefined;
    }
    case 'sklearn': {
      const file = findSklearnModelFile(dir);
      return file ? { kind, file } : undefined;
    }
  }
}

/**
 * The kind of model a folder holds, more specific kinds first (a bundle may also hold a cached
 * model.onnx; a TensorFlow.js model.json is not XGBoost's); undefined for anything else.
 */
export function recogniseModelFolder(dir: string): RecognisedModel | undefined {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  for (const kind of MODEL_KINDS) {
    const found = recogniseAs(dir, kind);
    if (found) return found;
  }
  return undefined;
}

/** What a folder must hold to be served, for error messages. */
export const SERVABLE_FOLDER_HINT =
  'expected a Model Lab bundle (modellab.json + model.json), an ONNX model (*.onnx), an XGBoost model (model.json / model.ubj / model.bst), ' +
  'a Keras model (*.h5) or a scikit-learn model (model.joblib / model.pkl)';
