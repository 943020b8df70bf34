/**
 * The machine, as far as training is concerned: every backend and why it is or is not usable, the
 * GPU adapters, the Vulkan and CUDA libraries, Node/Electron, CPU and memory. `model-lab doctor`
 * prints it; the extension will show the same object (its shape is versioned by `schema`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, freemem, platform, release, totalmem } from 'node:os';
import { RUNTIME_VERSION } from '../version';
import { findCudaLibraries, type CudaReport } from './cudaLibraries';
import { BACKEND_NAMES, type BackendName, selectBackend } from './selectBackend';
import { inspectVulkan, ldconfigLibraries, type VulkanEnvironment } from './vulkanEnv';
import { type GpuAdapterReport, probeWebGpu } from './webgpuBackend';

export const MACHINE_REPORT_SCHEMA = 'modellab.machine-report/1';

export interface BackendStatus {
  name: BackendName;
  /** Usable on this machine when named with --backend. */
  available: boolean;
  /** Whether `--backend auto` picks it (exactly one entry is true). */
  auto: boolean;
  /** What it runs on, when available. */
  device?: string;
  /** Why it is not available, or (when available) why auto passes it over. */
  reason?: string;
}

export interface MachineReport {
  schema: typeof MACHINE_REPORT_SCHEMA;
  generatedAt: string;
  runtime: {
    modelLab: string;
    node: string;
    /** Electron's version when the runtime runs as Electron's Node (inside VS Code); null otherwise. */
    electron: string | null;
    platform: string;
    arch: string;
    /** PRETTY_NAME from /etc/os-release where there is one, else the kernel's name and release. */
    os: string;
    tfjs: string;
  };
  cpu: { model: string; cores: number; wasmSimd: boolean | null };
  memory: { totalBytes: number; freeBytes: number };
  /** In ladder order, best first. */
  backends: BackendStatus[];
  gpu: {
    /** WebGPU adapters Dawn sees, high-performance first. */
    adapters: GpuAdapterReport[];
    /** Why there is none, when there is none. */
    reason?: string;
    /** Dawn's own driver messages, harmless warnings left out. */
    dawnMessages: string[];
    /** Linux only. */
    vulkan?: VulkanEnvironment;
  };
  cuda: CudaReport;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return pretty;
  } catch {
    // Not Linux, or a minimal container.
  }
  return `${platform()} ${release()}`;
}

/** Each rung on its own, in this process; the ladder's own answer decides which one `auto` takes. */
async function backendStatuses(gpuAdapters: GpuAdapterReport[], gpuReason: string | undefined): Promise<BackendStatus[]> {
  const auto = await selectBackend('auto');
  const statuses: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) {
    if (name === 'webgpu') {
      // From the isolated probe: loading the GPU stack into this process only to report on it is not needed.
      const first = gpuAdapters[0];
      statuses.push(
        first
          ? { name, available: true, auto: auto.name === name, device: `${first.software ? 'software GPU' : 'GPU'} (WebGPU on ${first.api}: ${first.description})`, reason: auto.notChosen.webgpu }
          : { name, available: false, auto: false, reason: gpuReason ?? auto.notChosen.webgpu },
      );
      continue;
    }
    if (name === auto.name) {
      statuses.push({ name, available: true, auto: true, device: auto.device });
      continue;
    }
    try {
      const info = await selectBackend(name);
      statuses.push({ name, available: true, auto: false, device: info.device });
    } catch (err) {
      const reason = auto.notChosen[name] ?? (err instanceof Error ? err.message : String(err));
      statuses.push({ name, available: false, auto: false, reason: reason.replace(/^backend '[^']+' is not available \([^:]+: (.*)\)$/, '$1') });
    }
  }
  // Leave the process on the backend auto picks, as if nothing had been tried.
  await selectBackend('auto');
  return statuses;
}

export async function machineReport(): Promise<MachineReport> {
  const libraries = platform() === 'linux' ? ldconfigLibraries() : new Map<string, string>();
  const probe = await probeWebGpu();
  const backends = await backendStatuses(probe.adapters, probe.reason);
  const cpuList = cpus();
  const wasm = backends.find((b) => b.name === 'wasm');
  return {
    schema: MACHINE_REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    runtime: {
      modelLab: RUNTIME_VERSION,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      platform: platform(),
      arch: arch(),
      os: osName(),
      tfjs: tf.version_core,
    },
    cpu: {
      model: cpuList[0]?.model.trim() ?? 'unknown',
      cores: cpuList.length,
      wasmSimd: wasm?.available ? /SIMD/.test(wasm.device ?? '') : null,
    },
    memory: { totalBytes: totalmem(), freeBytes: freemem() },
    backends,
    gpu: {
      adapters: probe.adapters,
      reason: probe.reason,
      dawnMessages: probe.dawnMessages,
      vulkan: platform() === 'linux' ? inspectVulkan(libraries) : undefined,
    },
    cuda: platform() === 'linux' || existsSync('/usr/local/cuda') ? findCudaLibraries(libraries) : { libraries: [], tfjsNodeGpuCompatible: false },
  };
}
