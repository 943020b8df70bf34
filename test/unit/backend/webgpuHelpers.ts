/**
 * Shared by the webgpu tests: whether an adapter exists (the tests skip with the reason when not), and
 * running the same computation on two backends from the same seeded inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TestContext } from 'node:test';
import { type BackendName, selectBackend } from '../../../src/runtime/backend/selectBackend';
import { probeWebGpu } from '../../../src/runtime/backend/webgpuBackend';

/** `false` when a WebGPU adapter is there; otherwise the reason, which node:test prints as the skip message. */
export async function webgpuSkipReason(): Promise<string | false> {
  const probe = await probeWebGpu();
  if (probe.adapters.length > 0) return false;
  return `no WebGPU adapter (${probe.reason}); on Debian 12 install Mesa ≥ 24 from bookworm-backports (mesa-vulkan-drivers, libvulkan1)`;
}

/** Marks the test skipped, with the reason, when there is no adapter; true then. */
export async function skipWithoutAdapter(t: TestContext): Promise<boolean> {
  const reason = await webgpuSkipReason();
  if (reason) t.skip(reason);
  return reason !== false;
}

/** Deterministic uniform values in [-scale, scale) (a small LCG: the same numbers on every backend). */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 * scale - scale;
  }
  return out;
}

export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed, scale), shape, 'float32');
}

/** Runs `f` on the backend and reads every output asynchronously (the only way webgpu can be read in Node). */
export async function runOn(backend: BackendName, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await selectBackend(backend);
  const outputs = tf.tidy(f);
  try {
    return (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(outputs);
  }
}

export interface Difference {
  maxAbs: number;
  /** max |a - e| / max(1, |e|): absolute near zero, relative for large values. */
  maxScaled: number;
}

export function difference(actual: Float32Array, expected: Float32Array): Difference {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let maxAbs = 0;
  let maxScaled = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
    const scaled = d / Math.max(1, Math.abs(expected[i]));
    if (!(scaled <= maxScaled)) maxScaled = Number.isNaN(scaled) ? Infinity : scaled;
  }
  return { maxAbs, maxScaled };
}
