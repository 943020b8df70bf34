/**
 * CUDA libraries on this machine, with the versions their file names carry. `@tensorflow/tfjs-node-gpu`
 * loads exactly libcudart.so.11.0 and libcudnn.so.8 (CUDA 11.2, cuDNN 8.1): a machine with only CUDA 12
 * or 13 has a GPU stack that rung cannot use, and the report says so instead of leaving users to guess.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { ldconfigLibraries } from './vulkanEnv';

export interface CudaLibrary {
  /** libcudart, libcudnn, libcublas or libcuda (the driver's). */
  name: string;
  /** The file found (the name the linker asks for). */
  path: string;
  /** The version from the resolved file name (libcudart.so.13.0.96 → 13.0.96); the soname's when that is all there is. */
  version?: string;
}

export interface CudaReport {
  libraries: CudaLibrary[];
  /** NVIDIA kernel driver version (/proc/driver/nvidia/version), when the driver is loaded. */
  nvidiaDriver?: string;
  /** Whether the versions tfjs-node-gpu 4.x links against (libcudart.so.11.0, libcudnn.so.8) are present. */
  tfjsNodeGpuCompatible: boolean;
}

const NAMES = ['libcudart', 'libcudnn', 'libcublas', 'libcuda'];

function versionOf(path: string): string | undefined {
  let file = basename(path);
  try {
    file = basename(realpathSync(path));
  } catch {
    // A dangling link in the cache: the soname's version is what there is.
  }
  return /\.so\.(\d+(?:\.\d+)*)$/.exec(file)?.[1] ?? /\.so\.(\d+(?:\.\d+)*)$/.exec(basename(path))?.[1];
}

/** Folders CUDA installs into that the linker cache may not list (a toolkit not registered with ldconfig). */
function cudaFolders(): string[] {
  const folders = (process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean);
  for (const root of [process.env.CUDA_PATH, process.env.CUDA_HOME].filter((v): v is string => !!v)) folders.push(join(root, 'lib64'), join(root, 'lib'));
  try {
    for (const d of readdirSync('/usr/local').filter((d) => d.startsWith('cuda')).sort()) folders.push(join('/usr/local', d, 'lib64'), join('/usr/local', d, 'lib'));
  } catch {
    // No /usr/local (not Linux): nothing to add.
  }
  return folders;
}

export function findCudaLibraries(libraries: Map<string, string> = ldconfigLibraries()): CudaReport {
  const found = new Map<string, CudaLibrary>();
  const add = (file: string, path: string) => {
    const name = NAMES.find((n) => file.startsWith(`${n}.so`));
    // Versioned sonames only (libcudart.so.13, not the unversioned development link), one entry per file.
    if (!name || !/\.so\.\d/.test(file) || found.has(path)) return;
    found.set(path, { name, path, version: versionOf(path) });
  };
  for (const [file, path] of libraries) add(file, path);
  for (const folder of cudaFolders()) {
    if (!existsSync(folder)) continue;
    try {
      for (const file of readdirSync(folder)) add(file, join(folder, file));
    } catch {
      // Unreadable folder: skip it.
    }
  }
  // One entry per real file: the cache and the folders often name the same library twice.
  const byReal = new Map<string, CudaLibrary>();
  for (const lib of found.values()) {
    let real = lib.path;
    try {
      real = realpathSync(lib.path);
    } catch {
      // Keep the path as its own key.
    }
    if (!byReal.has(real)) byReal.set(real, lib);
  }
  const list = [...byReal.values()].sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  let nvidiaDriver: string | undefined;
  try {
    nvidiaDriver = /Kernel Module\s+([\d.]+)/.exec(readFileSync('/proc/driver/nvidia/version', 'utf8'))?.[1];
  } catch {
    // No NVIDIA kernel driver loaded.
  }
  const has = (name: string, major: string) => list.some((l) => l.name === name && (l.version ?? '').split('.')[0] === major);
  return { libraries: list, nvidiaDriver, tfjsNodeGpuCompatible: has('libcudart', '11') && has('libcudnn', '8') };
}
