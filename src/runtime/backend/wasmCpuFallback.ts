/**
 * The wasm backend lacks some kernels that training needs — notably Conv2DBackpropFilter (every
 * conv2d layer's weight gradient) and UnsortedSegmentSum (the embedding layer's gradient). For each
 * such kernel this registers a wasm kernel that copies the inputs to the cpu backend, runs the cpu
 * kernel there, and copies the result back: slower than a native kernel, but correct, and only the
 * missing operations pay for it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Numeric kernels that training can reach; complex-number and string kernels are left out on purpose. */
const FALLBACK_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'Einsum',
];

const INSTALLED = Symbol.for('modellab.wasmCpuFallback');

interface BackendWithData {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  disposeData(dataId: tf.DataId): boolean;
}
interface CpuBackendLike extends BackendWithData {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}
interface WasmBackendLike extends BackendWithData {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

function fallbackKernel(name: string, cpuKernel: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as WasmBackendLike;
      const cpu = tf.findBackend('cpu') as unknown as CpuBackendLike;
      const onCpu: tf.TensorInfo[] = [];
      const cpuInputs: Record<string, tf.TensorInfo> = {};
      for (const [key, info] of Object.entries(inputs as Record<string, tf.TensorInfo | tf.TensorInfo[]>)) {
        if (Array.isArray(info)) throw new Error(`${name}: list inputs are not supported by the cpu fallback`);
        const copy = cpu.makeTensorInfo(info.shape, info.dtype, wasm.readSync(info.dataId));
        onCpu.push(copy);
        cpuInputs[key] = copy;
      }
      try {
        const result = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu as unknown as tf.KernelBackend });
        const outputs = Array.isArray(result) ? result : [result];
        onCpu.push(...outputs);
        const back = outputs.map((out) => wasm.makeOutput(out.shape, out.dtype, undefined, cpu.readSync(out.dataId)));
        return Array.isArray(result) ? back : back[0];
      } finally {
        for (const info of onCpu) cpu.disposeData(info.dataId);
      }
    },
  };
}

/** Idempotent. Kernels that a later wasm build provides natively are left alone. */
export function installWasmCpuFallback(): string[] {
  const registry = globalThis as unknown as Record<symbol, string[] | undefined>;
  if (registry[INSTALLED]) return registry[INSTALLED];
  const installed: string[] = [];
  for (const name of FALLBACK_KERNELS) {
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (!cpuKernel || tf.getKernel(name, 'wasm')) continue;
    tf.registerKernel(fallbackKernel(name, cpuKernel));
    installed.push(name);
  }
  registry[INSTALLED] = installed;
  return installed;
}
