/** `model-lab doctor`'s machine report: its stable shape, the backends in ladder order, CUDA detection. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCudaLibraries } from '../../../src/runtime/backend/cudaLibraries';
import { MACHINE_REPORT_SCHEMA, machineReport } from '../../../src/runtime/backend/machineReport';
import { BACKEND_NAMES } from '../../../src/runtime/backend/selectBackend';
import { probeWebGpu } from '../../../src/runtime/backend/webgpuBackend';
import { formatMachineReport } from '../../../src/runtime/cli/doctorCommand';

test('the machine report lists every backend in ladder order, exactly one picked by auto, each with a device or a reason', async () => {
  const report = await machineReport();
  assert.equal(report.schema, MACHINE_REPORT_SCHEMA);
  assert.deepEqual(report.backends.map((b) => b.name), [...BACKEND_NAMES]);
  assert.equal(report.backends.filter((b) => b.auto).length, 1);
  for (const b of report.backends) {
    if (b.available) assert.ok(b.device, `${b.name} has a device`);
    else assert.ok(b.reason, `${b.name} says why not`);
  }
  assert.equal(report.backends.find((b) => b.name === 'cpu')?.available, true);
  assert.equal(report.runtime.node, process.versions.node);
  assert.equal(report.runtime.electron, null);
  assert.ok(report.cpu.cores > 0 && report.memory.totalBytes > 0);

  const probe = await probeWebGpu();
  const webgpu = report.backends[0];
  assert.equal(webgpu.available, probe.adapters.length > 0);
  assert.equal(report.gpu.adapters.length, probe.adapters.length);
  if (probe.adapters[0]?.software) assert.match(webgpu.reason ?? '', /^adapter is software/);
  if (!webgpu.available) assert.equal(webgpu.reason, probe.reason);

  const text = formatMachineReport(report);
  assert.match(text, /^Backends {2}\(best first; --backend auto picks \w/m);
  assert.match(text, /^GPU adapters \(WebGPU, Dawn\)$/m);
  assert.match(text, /^CUDA {6}/m);
  // JSON round trip: the extension reads exactly this.
  assert.deepEqual(JSON.parse(JSON.stringify(report)).backends, report.backends);
});

test('CUDA libraries are found with their versions, and tfjs-node-gpu compatibility (CUDA 11 + cuDNN 8) is judged from them', () => {
  const cuda12 = findCudaLibraries(new Map([['libcudart.so.12', '/nonexistent/libcudart.so.12'], ['libcudart.so', '/nonexistent/libcudart.so'], ['libcudnn.so.9', '/nonexistent/libcudnn.so.9']]));
  const names = cuda12.libraries.filter((l) => l.path.startsWith('/nonexistent')).map((l) => `${l.name} ${l.version}`);
  assert.deepEqual(names, ['libcudart 12', 'libcudnn 9'], 'versioned sonames only, the unversioned link left out');
  const cuda11 = findCudaLibraries(new Map([['libcudart.so.11.0', '/nonexistent/libcudart.so.11.0'], ['libcudnn.so.8', '/nonexistent/libcudnn.so.8']]));
  assert.equal(cuda11.tfjsNodeGpuCompatible, true);
});
