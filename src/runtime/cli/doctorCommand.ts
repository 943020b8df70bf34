/**
 * `model-lab doctor`: the machine report for ML (backends and why not, GPU adapters, CUDA libraries,
 * Node/Electron, CPU, memory), as text or as one JSON object (`--json`, shape: MachineReport in
 * ../backend/machineReport.ts, versioned by its `schema` field).
 */
import type { Command } from 'commander';
import { type MachineReport, machineReport } from '../backend/machineReport';
import { EXIT } from './exitCodes';

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function size(bytes: number): string {
  return bytes >= 2 ** 30 ? gib(bytes) : `${Math.round(bytes / 2 ** 20)} MiB`;
}

export function formatMachineReport(r: MachineReport): string {
  const lines: string[] = [];
  const electron = r.runtime.electron ? `Electron ${r.runtime.electron}` : 'not in Electron';
  lines.push(`Model Lab doctor — ${r.generatedAt}`);
  lines.push(`Runtime   model-lab ${r.runtime.modelLab} · Node ${r.runtime.node} · ${electron} · ${r.runtime.platform} ${r.runtime.arch} (${r.runtime.os}) · TensorFlow.js ${r.runtime.tfjs}`);
  lines.push(`CPU       ${r.cpu.model} × ${r.cpu.cores}${r.cpu.wasmSimd === null ? '' : ` · wasm SIMD ${r.cpu.wasmSimd ? 'yes' : 'no'}`}`);
  lines.push(`Memory    ${gib(r.memory.totalBytes)} total, ${gib(r.memory.freeBytes)} free`);
  const auto = r.backends.find((b) => b.auto);
  lines.push(`Backends  (best first; --backend auto picks ${auto?.name ?? 'none'})`);
  const width = Math.max(...r.backends.map((b) => b.name.length));
  for (const b of r.backends) {
    const mark = b.auto ? '→' : b.available ? '✓' : '✗';
    const what = b.available ? `${b.device ?? ''}${b.reason ? ` — not picked by auto: ${b.reason}` : ''}` : b.reason ?? '';
    lines.push(`  ${mark} ${b.name.padEnd(width)}  ${what}`);
  }
  lines.push('GPU adapters (WebGPU, Dawn)');
  if (r.gpu.adapters.length === 0) lines.push(`  none: ${r.gpu.reason ?? 'no reason given'}`);
  for (const a of r.gpu.adapters) {
    const limits = [
      a.limits.maxBufferSize !== undefined ? `max buffer ${size(a.limits.maxBufferSize)}` : '',
      a.limits.maxStorageBufferBindingSize !== undefined ? `max storage binding ${size(a.limits.maxStorageBufferBindingSize)}` : '',
    ].filter(Boolean);
    lines.push(`  ${a.description} — ${a.vendor || 'unknown vendor'}, ${a.software ? 'software' : 'hardware'}${a.architecture && a.architecture !== 'software' ? ` (${a.architecture})` : ''}, ${a.api}${limits.length ? `; ${limits.join(', ')}` : ''}`);
  }
  for (const m of r.gpu.dawnMessages.slice(0, 5)) lines.push(`  Dawn: ${m}`);
  if (r.gpu.vulkan) {
    const v = r.gpu.vulkan;
    const drivers = v.drivers.length ? v.drivers.map((d) => `${d.manifest.split('/').pop()}${d.apiVersion ? ` (${d.apiVersion})` : ''}`).join(', ') : `none in ${v.driverSource}`;
    lines.push(`Vulkan    loader ${v.loader ?? 'not found (libvulkan.so.1)'}; drivers: ${drivers}`);
  }
  const cuda = r.cuda.libraries.length ? r.cuda.libraries.map((l) => `${l.name} ${l.version ?? '?'} (${l.path})`).join('; ') : 'no CUDA libraries found';
  lines.push(`CUDA      ${cuda}`);
  lines.push(`          NVIDIA driver: ${r.cuda.nvidiaDriver ?? 'not loaded'}; tfjs-node-gpu (needs CUDA 11.2 + cuDNN 8.1): ${r.cuda.tfjsNodeGpuCompatible ? 'libraries present' : 'libraries not found'}`);
  return lines.join('\n');
}

export async function doctorCommand(options: { json?: boolean }): Promise<number> {
  const report = await machineReport();
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatMachineReport(report)}\n`);
  return EXIT.ok;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Report the machine for ML: backends available and why not, GPU adapters, CUDA libraries, Node/Electron, CPU, memory.')
    .option('--json', 'print one JSON object (schema modellab.machine-report/1)')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await doctorCommand(options);
    });
}
