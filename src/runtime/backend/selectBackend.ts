/**
 * Chooses the TensorFlow.js backend by the ladder in ARCHITECTURE.md (best first) and says why each
 * better rung was not taken. The native `tfjs-node*` packages are optional: they are looked for in
 * the folders named by MODELLAB_NATIVE_MODULES (where the extension installs them on demand) and
 * beside the working directory; their absence is never an error.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Gradients are registered by tfjs-layers too, but training must not depend on who imported what first.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { patchWasmMatMul } from './wasmMatMulPatch';
import { installWasmCpuFallback } from './wasmCpuFallback';
import { currentAdapter, describeWebGpuDevice, type GpuAdapterReport, tryWebGpu } from './webgpuBackend';

export const BACKEND_NAMES = ['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendRequest = BackendName | 'auto';

export interface BackendInfo {
  /** The rung that was taken, in the ladder's words. */
  name: BackendName;
  /** The name TensorFlow.js gives the backend (`tensorflow` for both native rungs). */
  tfjsName: string;
  requested: BackendRequest;
  /** Why each rung above the chosen one (or the requested one) was not used. */
  notChosen: Partial<Record<BackendName, string>>;
  device: string;
  simd?: boolean;
  /** The GPU adapter, when the backend is `webgpu`. */
  adapter?: GpuAdapterReport;
  tfjsVersion: string;
}

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function nativeSearchPaths(): string[] {
  const fromEnv = (process.env.MODELLAB_NATIVE_MODULES ?? '').split(delimiter).filter(Boolean);
  return [...fromEnv, process.cwd()];
}

function resolveOptional(pkg: string): string | undefined {
  const req = createRequire(join(process.cwd(), 'noop.js'));
  try {
    return req.resolve(pkg, { paths: nativeSearchPaths() });
  } catch {
    return undefined;
  }
}

async function tryNative(rung: 'tensorflow-gpu' | 'tensorflow'): Promise<string | undefined> {
  const pkg = NATIVE_PACKAGES[rung];
  const resolved = resolveOptional(pkg);
  if (!resolved) return `${pkg} is not installed`;
  try {
    createRequire(resolved)(resolved);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return rung === 'tensorflow-gpu' && /libcud|cuda/i.test(message)
      ? `${pkg}: CUDA 11.2 / cuDNN 8.1 not found (${message})`
      : `${pkg} failed to load: ${message}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but the 'tensorflow' backend did not initialise`;
  return undefined;
}

/** Folder holding the wasm binaries: beside the bundle (dist/wasm) or in node_modules when run from source. */
function wasmFolder(): string | undefined {
  const candidates = [join(__dirname, 'wasm')];
  try {
    candidates.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // Not resolvable from a bundle shipped without node_modules: the first candidate is the one.
  }
  return candidates.find((dir) => existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm')));
}

/**
 * Emscripten's glue installs process-wide handlers that rethrow any uncaught error, which turns an
 * ordinary failure into a crash that prints the whole minified wasm loader. The engine handles its
 * own errors, so those handlers are removed again.
 */
function removeListenersAddedSince(before: { uncaughtException: unknown[]; unhandledRejection: unknown[] }): void {
  for (const listener of process.listeners('uncaughtException')) {
    if (!before.uncaughtException.includes(listener)) process.removeListener('uncaughtException', listener);
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.unhandledRejection.includes(listener)) process.removeListener('unhandledRejection', listener);
  }
}

/**
 * Set once, when this module loads: TensorFlow.js initialises its highest-priority backend (wasm) by
 * itself if any tensor is made before `selectBackend`, and without the path that first attempt fails
 * for good ("already initialized").
 */
const WASM_FOLDER = wasmFolder();
if (WASM_FOLDER) setWasmPaths(WASM_FOLDER.endsWith('/') ? WASM_FOLDER : `${WASM_FOLDER}/`);

async function tryWasm(): Promise<string | undefined> {
  if (!WASM_FOLDER) return 'the wasm binaries were not found (expected dist/wasm beside the runtime bundle)';
  const before = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  try {
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
  } catch (err) {
    return `the wasm backend failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    removeListenersAddedSince(before);
  }
  patchWasmMatMul();
  installWasmCpuFallback();
  return undefined;
}

async function tryRung(rung: BackendName, requested: BackendRequest): Promise<string | undefined> {
  switch (rung) {
    case 'webgpu':
      // A software adapter is taken only when asked for by name.
      return tryWebGpu(requested === 'webgpu' ? 'webgpu' : 'auto');
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(rung);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return (await tf.setBackend('cpu')) ? undefined : 'the cpu backend did not initialise';
  }
}

function describeDevice(rung: BackendName): string {
  switch (rung) {
    case 'webgpu':
      return describeWebGpuDevice();
    case 'tensorflow-gpu':
      return 'GPU (CUDA, libtensorflow)';
    case 'tensorflow':
      return 'CPU (libtensorflow)';
    case 'wasm':
      return tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'CPU (WebAssembly, SIMD)' : 'CPU (WebAssembly)';
    case 'cpu':
      return 'CPU (JavaScript)';
  }
}

export function isBackendRequest(value: string): value is BackendRequest {
  return value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * Selects a backend. `auto` walks the ladder; a named backend is used or the call fails with the
 * reason (a user who asks for the GPU wants to know it is not there, not to get the CPU silently).
 */
let lastSelected: BackendInfo | undefined;

/**
 * The backend in use if one was selected already (e.g. by `--backend`), else the best available.
 * For code that needs some backend (loading a model to serve) without overriding the user's choice.
 */
export async function ensureBackend(): Promise<BackendInfo> {
  return lastSelected ?? selectBackend('auto');
}

export async function selectBackend(requested: BackendRequest = 'auto'): Promise<BackendInfo> {
  // Production mode silences TensorFlow.js's console advice ("install our node backend…"): the engine
  // reports the backend and why better ones were not used itself, in its own words.
  tf.env().set('PROD', true);
  const notChosen: Partial<Record<BackendName, string>> = {};
  const rungs = requested === 'auto' ? BACKEND_NAMES : [requested];
  for (const rung of rungs) {
    const reason = await tryRung(rung, requested);
    if (reason === undefined) {
      await tf.ready();
      return (lastSelected = {
        name: rung,
        tfjsName: tf.getBackend(),
        requested,
        notChosen,
        device: describeDevice(rung),
        simd: rung === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined,
        adapter: rung === 'webgpu' ? currentAdapter() : undefined,
        tfjsVersion: tf.version_core,
      });
    }
    notChosen[rung] = reason;
  }
  const reasons = Object.entries(notChosen).map(([name, why]) => `${name}: ${why}`).join('; ');
  throw new Error(`backend '${requested}' is not available (${reasons})`);
}
