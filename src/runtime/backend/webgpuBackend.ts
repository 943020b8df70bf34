/**
 * The `webgpu` rung: TensorFlow.js's WebGPU backend on Dawn's Node bindings (npm `webgpu`), on any
 * Vulkan / Metal / D3D12 GPU, with no CUDA version pin (../shared/notes/gpu-backends.md).
 *
 * The stock package registers its backend at import time only when `navigator.gpu` already exists,
 * and then tells nobody why it failed. So this module makes `navigator.gpu` itself, asks for the
 * adapter itself, and registers the backend with that adapter: the ladder can then say exactly why
 * the rung was not taken, and what adapter a run used.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, accessSync, constants as fsConstants } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeDrivers, inspectVulkan } from './vulkanEnv';
import { probeInChild, type ProbedAdapter } from './webgpuProbe';

/** What a run and `model-lab doctor` report about the GPU adapter. */
export interface GpuAdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of the GPU API (llvmpipe/lavapipe, SwiftShader, WARP): correct, never fast. */
  software: boolean;
  /** The native API Dawn drives on this platform. */
  api: 'Vulkan' | 'Metal' | 'D3D12';
  /** The limits that bound tensor and batch sizes. */
  limits: Record<string, number>;
  /** Optional WebGPU features (reported by `doctor`; left out of run records). */
  features?: string[];
}

export interface WebGpuProbe {
  /** Adapters found, high-performance first. */
  adapters: GpuAdapterReport[];
  /** Why there is no adapter at all; undefined when there is one. */
  reason?: string;
  /** Dawn's own messages about the drivers (harmless warnings left out). */
  dawnMessages: string[];
}

// Minimal shapes of the parts of the WebGPU API used here (the full @webgpu/types would add DOM-like
// globals to the whole program).
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuDeviceLike {
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string; constructor?: { name?: string } } }) => void): void;
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}
interface GpuAdapterLike {
  info: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
  features: Set<string>;
  requestDevice(descriptor: unknown): Promise<GpuDeviceLike>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}
interface WebGpuModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
];
const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

function platformApi(): GpuAdapterReport['api'] {
  return process.platform === 'darwin' ? 'Metal' : process.platform === 'win32' ? 'D3D12' : 'Vulkan';
}

/** Where the `webgpu` package's entry is, or undefined when it is not installed. */
export function resolveWebGpuPackage(): string | undefined {
  try {
    return createRequire(__filename).resolve('webgpu');
  } catch {
    return undefined;
  }
}

/**
 * Mesa's Vulkan drivers print "XDG_RUNTIME_DIR is invalid or not set" when it is missing (services,
 * containers, CI). A private folder silences that and changes nothing else.
 */
export function ensureXdgRuntimeDir(): void {
  const current = process.env.XDG_RUNTIME_DIR;
  if (current) {
    try {
      accessSync(current, fsConstants.W_OK);
      return;
    } catch {
      // Set but unusable: replace it for this process.
    }
  }
  let user = 'user';
  try {
    user = String(userInfo().uid ?? userInfo().username);
  } catch {
    // No passwd entry (some containers): the generic name is fine.
  }
  const dir = join(tmpdir(), `modellab-xdg-${user}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  } catch {
    // Only a warning line is at stake.
  }
}

function report(info: GpuAdapterInfoLike, allLimits: Record<string, number>, features: Iterable<string>, fallback: boolean): GpuAdapterReport {
  const description = info.description || [info.vendor, info.device].filter(Boolean).join(' ') || 'unknown adapter';
  const software = fallback || info.isFallbackAdapter === true || info.architecture === 'software' || SOFTWARE_NAMES.test(description);
  const limits: Record<string, number> = {};
  for (const key of KEY_LIMITS) if (typeof allLimits[key] === 'number') limits[key] = allLimits[key];
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description,
    software,
    api: platformApi(),
    limits,
    features: [...features].sort(),
  };
}

function describeAdapter(adapter: GpuAdapterLike): GpuAdapterReport {
  return report(adapter.info ?? {}, adapter.limits, adapter.features, adapter.isFallbackAdapter === true);
}

function describeProbed(adapter: ProbedAdapter): GpuAdapterReport {
  return report(adapter, adapter.limits, adapter.features, adapter.isFallbackAdapter);
}

/**
 * Why Dawn found no adapter, from what the platform has: on Linux the Vulkan loader and drivers tell a
 * missing loader, an empty driver list and a driver too old apart; Dawn's first message says the rest.
 */
function noAdapterReason(dawnMessages: string[] = []): string {
  if (process.platform !== 'linux') return `no adapter: no ${platformApi()} GPU that Dawn supports was found`;
  const vulkan = inspectVulkan();
  if (!vulkan.loader) return 'no Vulkan loader (libvulkan.so.1 not found; install libvulkan1)';
  if (vulkan.drivers.length === 0) return `no adapter: no Vulkan driver (${describeDrivers(vulkan)})`;
  const dawn = dawnMessages.find((m) => /required|not supported|unsupported|version/i.test(m)) ?? dawnMessages[0];
  return `no adapter: driver too old (Dawn needs Vulkan 1.1 drivers such as Mesa ≥ 24 or a current GPU driver; found ${describeDrivers(vulkan)}${dawn ? `; Dawn: ${dawn}` : ''})`;
}

let loaded: Promise<WebGpuModule | undefined> | undefined;
let gpu: GpuLike | undefined;

async function loadWebGpu(): Promise<WebGpuModule | undefined> {
  const entry = resolveWebGpuPackage();
  if (!entry) return undefined;
  ensureXdgRuntimeDir();
  // The package is an ES module with a native addon: loaded at run time, never bundled.
  return (await import(pathToFileURL(entry).href)) as WebGpuModule;
}

/**
 * Makes the WebGPU globals TensorFlow.js expects (`navigator.gpu`, `GPUBufferUsage`, …) from Dawn's
 * bindings. Node ≥ 21 has a `navigator` of its own: `gpu` is added to it rather than replacing it.
 */
function installGlobals(module: WebGpuModule, instance: GpuLike): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(module.globals)) if (!(name in g)) g[name] = value;
  const nav = g.navigator as Record<string, unknown> | undefined;
  if (nav && typeof nav === 'object') {
    if (!('gpu' in nav)) Object.defineProperty(nav, 'gpu', { value: instance, configurable: true });
  } else {
    Object.defineProperty(g, 'navigator', { value: { gpu: instance }, configurable: true, writable: true });
  }
}

/** The GPU entry point of this process, made once; undefined when the `webgpu` package is not installed. */
async function gpuInstance(): Promise<GpuLike | undefined> {
  loaded ??= loadWebGpu().catch((err: unknown) => {
    throw new Error(`the webgpu package failed to load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  });
  const module = await loaded;
  if (!module) return undefined;
  if (!gpu) {
    gpu = module.create([]);
    installGlobals(module, gpu);
  }
  return gpu;
}

async function requestAdapter(): Promise<{ adapter?: GpuAdapterLike; reason?: string }> {
  let instance: GpuLike | undefined;
  try {
    instance = await gpuInstance();
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
  if (!instance) return { reason: 'the webgpu package is not installed' };
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? { adapter } : { reason: noAdapterReason() };
}

let isolated: Promise<WebGpuProbe> | undefined;

/**
 * Looks for WebGPU adapters in a child process (see webgpuProbe.ts for why), once per process.
 * Nothing of the GPU stack is loaded into this process.
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  isolated ??= (async (): Promise<WebGpuProbe> => {
    const entry = resolveWebGpuPackage();
    if (!entry) return { adapters: [], reason: 'the webgpu package is not installed', dawnMessages: [] };
    ensureXdgRuntimeDir();
    const probe = await probeInChild(entry);
    const adapters = probe.adapters.map(describeProbed);
    if (adapters.length > 0) return { adapters, dawnMessages: probe.dawnMessages };
    return { adapters, reason: probe.failure ?? noAdapterReason(probe.dawnMessages), dawnMessages: probe.dawnMessages };
  })();
  return isolated;
}

// ── GPU failures ─────────────────────────────────────────────────────────────
// WebGPU reports out-of-memory and device loss asynchronously (an event, a promise), not as an exception
// from the operation that caused it. They are recorded here and raised at the next read, which the
// training loop does once per epoch and prediction once per batch, so the run that hit them fails.

/** An error of the GPU itself, already in words a user can act on. */
export class GpuError extends Error {
  constructor(
    message: string,
    readonly kind: 'out-of-memory' | 'device-lost' | 'internal',
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

let pendingFailure: GpuError | undefined;
let registered = false;
let current: { adapter: GpuAdapterReport; device?: GpuDeviceLike } | undefined;

function outOfMemory(detail: string): GpuError {
  const where = current ? ` (${current.adapter.description})` : '';
  return new GpuError(
    `the GPU ran out of memory${where}: ${detail}. Lower training.batchSize or the model's size, let fewer trials share the GPU, or run with --backend wasm`,
    'out-of-memory',
  );
}

/**
 * Turns Dawn's GPU errors into a {@link GpuError} with a clear message; anything else is returned as it is.
 * Used on the training error path, so a run that exhausts GPU memory fails with a reason, alone.
 */
export function translateGpuError(err: unknown): unknown {
  if (err instanceof GpuError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  if (name === 'GPUOutOfMemoryError' || /out of memory|OutOfMemory|VK_ERROR_OUT_OF_(DEVICE|HOST)_MEMORY|allocation failed/i.test(message)) {
    return outOfMemory(message);
  }
  if (/device (is |was )?lost|DeviceLost|VK_ERROR_DEVICE_LOST/i.test(message)) {
    return new GpuError(`the GPU device was lost (driver reset, or another process exhausted it): ${message}. Run it again, or with --backend wasm`, 'device-lost');
  }
  return err;
}

/** Raises a GPU failure recorded since the last call, once. */
export function throwIfGpuFailed(): void {
  const failure = pendingFailure;
  if (failure) {
    pendingFailure = undefined;
    throw failure;
  }
}

function watchDevice(device: GpuDeviceLike): void {
  device.addEventListener('uncapturederror', (event) => {
    const error = event.error;
    const kind = error?.constructor?.name ?? '';
    const text = error?.message ?? 'unknown GPU error';
    // The first failure is the cause; what follows is usually its consequence.
    if (pendingFailure) return;
    if (kind === 'GPUOutOfMemoryError') pendingFailure = outOfMemory(text);
    else if (kind === 'GPUInternalError') pendingFailure = new GpuError(`the GPU failed: ${text}`, 'internal');
    // Validation errors are bugs in kernels, not the user's; they surface as wrong values or exceptions.
  });
  void device.lost.then((info) => {
    if (info.reason === 'destroyed') return;
    pendingFailure ??= new GpuError(`the GPU device was lost: ${info.message || info.reason || 'no reason given'}. Run it again, or with --backend wasm`, 'device-lost');
    // A lost device is dead: the next selection makes a new one.
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    registered = false;
  });
}

interface WebGpuBackendLike {
  read(dataId: object): Promise<tf.backend_util.BackendValues>;
  readSync(dataId: object): tf.backend_util.BackendValues;
  tensorMap: { get(dataId: object): { values?: tf.backend_util.BackendValues } | undefined };
}

/**
 * Reads raise a recorded GPU failure instead of returning garbage; and a synchronous read of GPU
 * data, which the stock backend does through OffscreenCanvas (absent in Node), fails with a message
 * saying what to do rather than "OffscreenCanvas is not defined".
 */
function guardReads(backend: WebGpuBackendLike): void {
  const read = backend.read.bind(backend);
  const readSync = backend.readSync.bind(backend);
  backend.read = async (dataId) => {
    throwIfGpuFailed();
    try {
      const values = await read(dataId);
      throwIfGpuFailed();
      return values;
    } catch (err) {
      throw translateGpuError(err);
    }
  };
  backend.readSync = (dataId) => {
    throwIfGpuFailed();
    if (backend.tensorMap.get(dataId)?.values == null) {
      throw new Error('webgpu: synchronous reads of GPU data (dataSync/arraySync) are not possible in Node; this code path must read with await tensor.data()');
    }
    return readSync(dataId);
  };
}

/** Registers the `webgpu` backend on the given adapter (the factory runs at the first setBackend). */
async function registerWith(adapter: GpuAdapterLike, report: GpuAdapterReport): Promise<void> {
  // The kernels register themselves on import; the backend's own registration is skipped (no navigator.gpu
  // at that time, or it would use an adapter of its own choosing) and done here instead.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const limits = adapter.limits;
      // The same request the stock factory makes: the adapter's full limits, which the kernels size themselves by.
      const device = await adapter.requestDevice({
        requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: Object.fromEntries(
          ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'].map((k) => [k, limits[k]]),
        ),
      });
      watchDevice(device);
      current = { adapter: report, device };
      const backend = new WebGPUBackend(device as never, adapter.info as never);
      guardReads(backend as unknown as WebGpuBackendLike);
      return backend;
    },
    // Low priority: TensorFlow.js must never pick it by itself; the ladder decides.
    0,
  );
  registered = true;
}

/**
 * Tries the rung. `auto` takes only a hardware adapter (a software one is slower than wasm); naming
 * the backend takes any adapter (tests run the GPU code path on Mesa's software Vulkan that way).
 * Returns the reason it was not taken, or undefined when `webgpu` is now the backend.
 */
export async function tryWebGpu(requested: 'auto' | 'webgpu'): Promise<string | undefined> {
  if (registered && current) {
    if (requested === 'auto' && current.adapter.software) return `adapter is software (${current.adapter.description})`;
    // Each run selects its backend first: a failure left over from the run before is not this run's.
    pendingFailure = undefined;
    return (await tf.setBackend('webgpu')) ? undefined : 'the webgpu backend did not initialise';
  }
  if (requested === 'auto') {
    // Decide from the isolated probe first: without a hardware adapter the GPU stack stays out of the engine.
    const probe = await probeWebGpu();
    const first = probe.adapters[0];
    if (!first) return probe.reason ?? noAdapterReason();
    if (first.software) return `adapter is software (${first.description})`;
  }
  const { adapter, reason } = await requestAdapter();
  if (!adapter) return reason;
  const report = describeAdapter(adapter);
  current = { adapter: report };
  if (requested === 'auto' && report.software) return `adapter is software (${report.description})`;
  await registerWith(adapter, report);
  try {
    if (!(await tf.setBackend('webgpu'))) return 'the webgpu backend did not initialise';
  } catch (err) {
    return `the webgpu backend failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}

/** The adapter the `webgpu` backend uses (or was last probed), for run records and `doctor`. */
export function currentAdapter(): GpuAdapterReport | undefined {
  if (!current) return undefined;
  const { features: _features, ...adapter } = current.adapter;
  return adapter;
}

export function describeWebGpuDevice(): string {
  const adapter = current?.adapter;
  if (!adapter) return 'GPU (WebGPU)';
  return adapter.software
    ? `software GPU (WebGPU on ${adapter.api}: ${adapter.description}; for correctness, not speed)`
    : `GPU (WebGPU on ${adapter.api}: ${adapter.description})`;
}

interface BufferManagerLike {
  freeBuffers: Map<string, { size: number; destroy(): void }[]>;
  numFreeBuffers: number;
  numBytesAllocated: number;
}

/**
 * Gives the GPU memory of freed tensors back to the driver. The backend keeps freed buffers in a pool
 * for reuse, which is right within a run (every batch needs the same sizes) but holds the memory after
 * it: a trial that ends would keep GPU memory that the next trial, or another process, needs.
 * Returns the bytes released; 0 when the webgpu backend is not in use.
 */
export function releaseGpuMemory(): number {
  if (!registered || !tf.findBackendFactory('webgpu')) return 0;
  const backend = tf.findBackend('webgpu') as unknown as { bufferManager?: BufferManagerLike } | null;
  const manager = backend?.bufferManager;
  if (!manager) return 0;
  let bytes = 0;
  for (const buffers of manager.freeBuffers.values()) {
    for (const buffer of buffers) {
      bytes += buffer.size;
      buffer.destroy();
    }
    // The keys stay: the pool ignores releases while its map is empty.
    buffers.length = 0;
  }
  manager.numFreeBuffers = 0;
  manager.numBytesAllocated -= bytes;
  return bytes;
}
