/**
 * How many trials may use the GPU at once. A study runs trials in parallel (maxParallelTrials), often
 * as separate processes; one GPU shared by all of them runs out of memory or time-slices so badly that
 * every trial is slower than on its own. So the GPU has a number of slots: a trial that gets one trains
 * on the GPU, the others train on a CPU backend (or wait for a slot, if the caller prefers).
 *
 * Slots are lock files, `<workspace>/.modellab/gpu-slots/slot-<n>.lock`, created with O_EXCL (atomic on
 * local file systems), so they work across processes as well as within one. Each holds its owner's
 * pid: a slot whose process has died is taken over, so a crashed trial never keeps the GPU.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from '../util/processAlive';

export const GPU_SLOTS_DIR = join('.modellab', 'gpu-slots');
/** Environment variable that sets the number of slots when the caller passes none. */
export const GPU_SLOTS_ENV = 'MODELLAB_GPU_TRIALS';

export interface GpuSlot {
  /** 0-based slot number. */
  index: number;
  path: string;
  /** Gives the slot back; safe to call more than once. */
  release(): void;
}

export interface GpuSlotOptions {
  /** Folder that holds `.modellab/`. */
  workspace: string;
  /** How many trials may hold the GPU at once (default: $MODELLAB_GPU_TRIALS, else 1). 0 keeps every trial off the GPU. */
  slots?: number;
  /** Who holds the slot, for people reading the lock files (a trial id). */
  owner?: string;
}

interface LockContent {
  pid: number;
  host: string;
  owner?: string;
  since: string;
}

/** The number of slots: the setting, else the environment, else 1. */
export function gpuSlotCount(setting?: number): number {
  const fromEnv = Number(process.env[GPU_SLOTS_ENV]);
  const value = setting ?? (process.env[GPU_SLOTS_ENV] !== undefined && Number.isFinite(fromEnv) ? fromEnv : 1);
  return Math.max(0, Math.floor(value));
}


/** A lock left by a process that is gone (on this host; another host's locks are never broken). */
function isStale(path: string): boolean {
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as LockContent;
    return lock.host === hostname() && !processIsAlive(lock.pid);
  } catch {
    // Vanished meanwhile: free. Unparseable: its writer may be between create and write, so only an old
    // one counts as stale (a writer that died mid-write).
    try {
      return Date.now() - statSync(path).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
}

const held = new Set<string>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const path of held) rmSync(path, { force: true });
  });
}

function tryCreate(path: string, owner: string | undefined): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    const content: LockContent = { pid: process.pid, host: hostname(), owner, since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(content));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Takes a free slot now, or returns undefined when all are held (the trial then uses a CPU backend). */
export function tryAcquireGpuSlot(options: GpuSlotOptions): GpuSlot | undefined {
  const count = gpuSlotCount(options.slots);
  if (count === 0) return undefined;
  const dir = join(options.workspace, GPU_SLOTS_DIR);
  mkdirSync(dir, { recursive: true });
  for (let index = 0; index < count; index++) {
    const path = join(dir, `slot-${index}.lock`);
    let taken = tryCreate(path, options.owner);
    if (!taken && isStale(path)) {
      rmSync(path, { force: true });
      // Another process may have broken the same stale lock first: O_EXCL decides who gets it.
      taken = tryCreate(path, options.owner);
    }
    if (!taken) continue;
    held.add(path);
    releaseAllOnExit();
    let released = false;
    return {
      index,
      path,
      release: () => {
        if (released) return;
        released = true;
        held.delete(path);
        rmSync(path, { force: true });
      },
    };
  }
  return undefined;
}

/** Waits for a slot (polling; lock files give no notification). Rejects when the signal aborts. */
export async function acquireGpuSlot(options: GpuSlotOptions & { signal?: AbortSignal; pollMs?: number }): Promise<GpuSlot> {
  if (gpuSlotCount(options.slots) === 0) throw new Error('no GPU slots: the GPU is switched off for trials (slots = 0)');
  for (;;) {
    options.signal?.throwIfAborted();
    const slot = tryAcquireGpuSlot(options);
    if (slot) return slot;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
