/**
 * What the Vulkan loader will see on Linux: whether the loader library is there, and which driver
 * manifests (ICDs) it will read. Dawn reports "no adapter" alike for a missing loader, an empty driver
 * list and a driver too old for it; these facts are what tell the three apart in a reason a user can act on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface VulkanDriver {
  /** The manifest file (e.g. /usr/share/vulkan/icd.d/lvp_icd.json). */
  manifest: string;
  /** The driver library the manifest names. */
  library?: string;
  /** The highest Vulkan version the driver declares (`ICD.api_version`). */
  apiVersion?: string;
}

export interface VulkanEnvironment {
  /** Path of libvulkan.so.1, or undefined when the loader is not installed. */
  loader?: string;
  drivers: VulkanDriver[];
  /** Where the driver list came from: the environment variable that overrides the search, or the standard folders. */
  driverSource: string;
}

const LOADER = 'libvulkan.so.1';
const LOADER_FOLDERS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
const ICD_FOLDERS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];

/** Libraries the dynamic linker knows (ldconfig's cache), name → path; empty where ldconfig is not available. */
export function ldconfigLibraries(): Map<string, string> {
  const out = new Map<string, string>();
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const res = spawnSync(ldconfig, ['-p'], { encoding: 'utf8' });
    if (res.status !== 0 || !res.stdout) continue;
    for (const line of res.stdout.split('\n')) {
      const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)/.exec(line);
      // The 64-bit entry wins over a 32-bit one of the same name: this process is 64-bit.
      if (m && (!out.has(m[1]) || m[2].includes('64'))) out.set(m[1], m[3]);
    }
    break;
  }
  return out;
}

function findLoader(libraries: Map<string, string>): string | undefined {
  const fromCache = libraries.get(LOADER);
  if (fromCache) return fromCache;
  const folders = [...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), ...LOADER_FOLDERS];
  return folders.map((dir) => join(dir, LOADER)).find((path) => existsSync(path));
}

function readDriver(manifest: string): VulkanDriver {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: string; api_version?: string } };
    return { manifest, library: json.ICD?.library_path, apiVersion: json.ICD?.api_version };
  } catch {
    return { manifest };
  }
}

function manifestsIn(entries: string[]): string[] {
  return entries.flatMap((entry) => {
    try {
      return readdirSync(entry).filter((f) => f.endsWith('.json')).sort().map((f) => join(entry, f));
    } catch {
      return existsSync(entry) ? [entry] : [];
    }
  });
}

/**
 * The driver manifests the loader reads, following its rules: VK_DRIVER_FILES (or the older
 * VK_ICD_FILENAMES) replaces the search when set and non-empty; VK_ADD_DRIVER_FILES adds to it.
 */
function findDrivers(): { drivers: VulkanDriver[]; source: string } {
  const override = [process.env.VK_DRIVER_FILES, process.env.VK_ICD_FILENAMES].find((v) => v !== undefined && v !== '');
  const added = (process.env.VK_ADD_DRIVER_FILES ?? '').split(delimiter).filter(Boolean);
  const source = override !== undefined ? `${process.env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : 'VK_ICD_FILENAMES'}=${override}` : ICD_FOLDERS.join(', ');
  const entries = override !== undefined ? override.split(delimiter).filter(Boolean) : ICD_FOLDERS;
  return { drivers: manifestsIn([...added, ...entries]).map(readDriver), source };
}

export function inspectVulkan(libraries: Map<string, string> = ldconfigLibraries()): VulkanEnvironment {
  const { drivers, source } = findDrivers();
  return { loader: findLoader(libraries), drivers, driverSource: source };
}

/** One line for a reason: the drivers by file name, with the Vulkan version each declares. */
export function describeDrivers(env: VulkanEnvironment): string {
  if (env.drivers.length === 0) return `no driver manifests in ${env.driverSource}`;
  return env.drivers.map((d) => `${d.manifest.split('/').pop()}${d.apiVersion ? ` (Vulkan ${d.apiVersion})` : ''}`).join(', ');
}
