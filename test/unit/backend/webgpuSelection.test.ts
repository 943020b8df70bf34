/**
 * The webgpu rung of the ladder: `auto` passes a software adapter over and says why, `--backend webgpu`
 * takes it, the fallback when no adapter exists (an empty Vulkan driver list, in a child process), the
 * translation of GPU errors, the machine report, and the GPU slots trials share.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/runtime/backend/selectBackend';
import { GpuError, probeWebGpu, releaseGpuMemory, translateGpuError } from '../../../src/runtime/backend/webgpuBackend';
import { inspectVulkan } from '../../../src/runtime/backend/vulkanEnv';
import { acquireGpuSlot, GPU_SLOTS_DIR, gpuSlotCount, tryAcquireGpuSlot } from '../../../src/runtime/backend/gpuSlots';
import { skipWithoutAdapter } from './webgpuHelpers';

const ROOT = resolve(__dirname, '../../..');

/** Runs `selectBackend(request)` in a fresh process with the given environment; returns what it printed. */
function selectInChild(request: string, env: Record<string, string>): { ok: boolean; info?: { name: string; notChosen: Record<string, string> }; error?: string } {
  const script = `
    const m = await import(${JSON.stringify(join(ROOT, 'src/runtime/backend/selectBackend.ts'))});
    const { selectBackend } = m.selectBackend ? m : m.default;
    try { console.log(JSON.stringify({ ok: true, info: await selectBackend(${JSON.stringify(request)}) })); }
    catch (e) { console.log(JSON.stringify({ ok: false, error: e.message })); }`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  assert.ok(line.startsWith('{'), `child printed no result: ${out.stdout}\n${out.stderr}`);
  return JSON.parse(line);
}

const NO_DRIVERS = { VK_ICD_FILENAMES: '/nonexistent.json', VK_DRIVER_FILES: '' };

test('without any Vulkan driver, auto falls back to wasm and says why webgpu was not used; --backend webgpu fails with that reason', { skip: process.platform !== 'linux' && 'Vulkan driver lists are a Linux matter' }, () => {
  const auto = selectInChild('auto', NO_DRIVERS);
  assert.ok(auto.ok, auto.error);
  assert.equal(auto.info!.name, 'wasm');
  assert.match(auto.info!.notChosen.webgpu, /^no adapter: no Vulkan driver \(no driver manifests in VK_ICD_FILENAMES=\/nonexistent\.json\)$/);
  assert.match(auto.info!.notChosen['tensorflow-gpu'], /not installed|CUDA|failed to load/);

  const forced = selectInChild('webgpu', NO_DRIVERS);
  assert.equal(forced.ok, false);
  assert.match(forced.error!, /backend 'webgpu' is not available \(webgpu: no adapter: no Vulkan driver/);
});

test('the Vulkan environment follows the loader rules (VK_DRIVER_FILES / VK_ICD_FILENAMES replace the search)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-icd-'));
  const manifest = join(dir, 'old_icd.json');
  writeFileSync(manifest, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libvulkan_old.so', api_version: '1.3.230' } }));
  const saved = { a: process.env.VK_DRIVER_FILES, b: process.env.VK_ICD_FILENAMES };
  try {
    process.env.VK_DRIVER_FILES = manifest;
    delete process.env.VK_ICD_FILENAMES;
    const env = inspectVulkan(new Map([['libvulkan.so.1', '/lib/libvulkan.so.1']]));
    assert.equal(env.loader, '/lib/libvulkan.so.1');
    assert.deepEqual(env.drivers, [{ manifest, library: 'libvulkan_old.so', apiVersion: '1.3.230' }]);
    assert.equal(env.driverSource, `VK_DRIVER_FILES=${manifest}`);
  } finally {
    for (const [k, v] of [['VK_DRIVER_FILES', saved.a], ['VK_ICD_FILENAMES', saved.b]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('auto never picks a software adapter, and says so; --backend webgpu uses it and reports the adapter', async (t) => {
  if (await skipWithoutAdapter(t)) return;
  const probe = await probeWebGpu();
  const adapter = probe.adapters[0];
  const auto = await selectBackend('auto');
  if (adapter.software) {
    assert.notEqual(auto.name, 'webgpu');
    assert.match(auto.notChosen.webgpu ?? '', /^adapter is software \(.+\)$/);
    if (/llvmpipe/.test(adapter.description)) assert.match(auto.notChosen.webgpu ?? '', /^adapter is software \(llvmpipe/);
  } else {
    assert.equal(auto.name, 'webgpu', 'a hardware adapter is the top rung');
  }
  const forced = await selectBackend('webgpu');
  assert.equal(forced.name, 'webgpu');
  assert.equal(forced.tfjsName, 'webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
  assert.ok(forced.adapter, 'the run record names the adapter');
  assert.equal(forced.adapter!.software, adapter.software);
  assert.ok(forced.adapter!.limits.maxStorageBufferBindingSize > 0);
  assert.equal(forced.adapter!.features, undefined, 'features stay out of run records');
  assert.match(forced.device, adapter.software ? /^software GPU \(WebGPU on (Vulkan|Metal|D3D12): / : /^GPU \(WebGPU on /);
  assert.equal(probe.dawnMessages.filter((m) => /artificially reduced/.test(m)).length, 0, 'harmless Dawn warnings are filtered');
});

test('a synchronous read of GPU data fails with advice instead of "OffscreenCanvas is not defined"; GPU memory is given back', async (t) => {
  if (await skipWithoutAdapter(t)) return;
  await selectBackend('webgpu');
  const a = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
  assert.throws(() => a.dataSync(), /synchronous reads of GPU data .* await tensor\.data\(\)/);
  assert.equal((await a.data())[0], 64);
  a.dispose();
  const before = (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0;
  const released = releaseGpuMemory();
  const after = (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0;
  assert.ok(released > 0, 'the pooled buffers were released');
  assert.equal(before - after, released);
});

test("Dawn's out-of-memory and device-lost errors become GpuErrors that say what to do; others pass through", () => {
  const oom = translateGpuError(Object.assign(new Error('Out of memory allocating buffer'), { name: 'GPUOutOfMemoryError' }));
  assert.ok(oom instanceof GpuError);
  assert.equal(oom.kind, 'out-of-memory');
  assert.match(oom.message, /^the GPU ran out of memory.*Lower training\.batchSize.*--backend wasm/);
  const vk = translateGpuError(new Error('VK_ERROR_OUT_OF_DEVICE_MEMORY at CreateBuffer'));
  assert.ok(vk instanceof GpuError && vk.kind === 'out-of-memory');
  const lost = translateGpuError(new Error('Device is lost'));
  assert.ok(lost instanceof GpuError && lost.kind === 'device-lost');
  const other = new Error('the training split is empty');
  assert.equal(translateGpuError(other), other);
});

test('GPU slots: at most N holders across callers, released slots are reused, a dead owner is taken over', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'ml-slots-'));
  const a = tryAcquireGpuSlot({ workspace, slots: 2, owner: 'trial-1' });
  const b = tryAcquireGpuSlot({ workspace, slots: 2, owner: 'trial-2' });
  assert.deepEqual([a?.index, b?.index], [0, 1]);
  assert.equal(tryAcquireGpuSlot({ workspace, slots: 2, owner: 'trial-3' }), undefined, 'the third trial gets no slot');
  assert.equal(tryAcquireGpuSlot({ workspace, slots: 0 }), undefined, '0 slots: nobody uses the GPU');

  const waiting = acquireGpuSlot({ workspace, slots: 2, owner: 'trial-3', pollMs: 10 });
  b!.release();
  b!.release(); // twice is harmless
  const third = await waiting;
  assert.equal(third.index, 1, 'a waiting trial gets the released slot');

  // A lock whose process is gone (a crashed trial) does not keep the GPU.
  a!.release();
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const lock = join(workspace, GPU_SLOTS_DIR, 'slot-0.lock');
  writeFileSync(lock, JSON.stringify({ pid: Number(dead.stdout.trim()), host: hostname(), owner: 'crashed', since: new Date().toISOString() }));
  const taken = tryAcquireGpuSlot({ workspace, slots: 2 });
  assert.equal(taken?.index, 0);
  taken!.release();
  assert.ok(!existsSync(lock));
  assert.deepEqual(readdirSync(join(workspace, GPU_SLOTS_DIR)), ['slot-1.lock']);
  third.release();

  const blocker = tryAcquireGpuSlot({ workspace, slots: 1 });
  const ac = new AbortController();
  const pending = acquireGpuSlot({ workspace, slots: 1, signal: ac.signal, pollMs: 10 });
  ac.abort();
  await assert.rejects(pending);
  blocker!.release();

  assert.equal(gpuSlotCount(3), 3);
  process.env.MODELLAB_GPU_TRIALS = '2';
  assert.equal(gpuSlotCount(), 2);
  delete process.env.MODELLAB_GPU_TRIALS;
  assert.equal(gpuSlotCount(), 1);
});
