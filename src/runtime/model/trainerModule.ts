/**
 * Loads a trainer module: a TS or JS file the user writes whose default export (or `buildModel`)
 * builds a tf.LayersModel from hyperparameters. It is compiled with esbuild (relative imports
 * bundled, packages left to Node), and its imports of TensorFlow.js get the engine's own instances,
 * so the model it builds lives in the same engine the training loop drives.
 *
 * This runs user code: callers decide whether that is allowed (the extension refuses in an
 * untrusted workspace).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { build } from 'esbuild';
import Module from 'node:module';
import { dirname, resolve } from 'node:path';
import type { HyperparameterValues } from '../spec/jobSpec';
import type { TrainerReporting } from './trainerReports';

export interface TrainerContext extends TrainerReporting {
  inputShape: number[];
  /** Number of classes; 0 for regression. */
  numClasses: number;
  hyperparameters: HyperparameterValues;
  tf: typeof tf;
  tfl: typeof tfl;
}

export type BuildModelFn = (ctx: TrainerContext) => tfl.LayersModel | Promise<tfl.LayersModel>;

const SHARED_MODULES: Record<string, unknown> = {
  '@tensorflow/tfjs-core': tf,
  '@tensorflow/tfjs-layers': tfl,
  '@tensorflow/tfjs': { ...tf, ...tfl },
};

interface CompilableModule extends Module {
  _compile(code: string, filename: string): void;
}

export async function loadTrainerModule(file: string): Promise<BuildModelFn> {
  const path = resolve(file);
  let code: string;
  try {
    const result = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    code = result.outputFiles[0].text;
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors;
    const detail = errors?.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text)).join('\n');
    throw new Error(`trainer module ${path} does not compile:\n${detail ?? String(err)}`);
  }
  const mod = new Module(path) as CompilableModule;
  mod.filename = path;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(path));
  const ownRequire = mod.require.bind(mod);
  mod.require = ((id: string) => SHARED_MODULES[id] ?? ownRequire(id)) as NodeJS.Require;
  mod._compile(code, path);
  const exports = mod.exports as { default?: unknown; buildModel?: unknown };
  const fn = typeof exports.default === 'function' ? exports.default : exports.buildModel;
  if (typeof fn !== 'function') {
    throw new Error(`trainer module ${path} must export a function as default export or as 'buildModel' (ctx) => tf.LayersModel`);
  }
  return fn as BuildModelFn;
}

export async function buildFromTrainer(file: string, ctx: Omit<TrainerContext, 'tf' | 'tfl'>): Promise<tfl.LayersModel> {
  const buildModel = await loadTrainerModule(file);
  const model = await buildModel({ ...ctx, tf, tfl });
  if (!model || typeof (model as tfl.LayersModel).apply !== 'function' || !Array.isArray((model as tfl.LayersModel).layers)) {
    throw new Error(`trainer module ${file} returned ${typeof model}, not a tf.LayersModel`);
  }
  return model;
}
