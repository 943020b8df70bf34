/**
 * The mechanics of Set Up Native Runtime, without vscode: an install lock shared by every VS Code window
 * on the machine (a file created exclusively, stale when its owner is gone), running `npm install` into
 * the extension's global storage, and turning npm's output into a reason a person can act on.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from '../../runtime/util/processAlive';

export const LOCK_FILE = '.install.lock';
/** An install older than this is assumed dead even if its pid was reused. */
const STALE_MS = 60 * 60 * 1000;

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** Takes the lock, or says who holds it. `release` removes it (only if it is still ours). */
export function acquireInstallLock(dir: string, now = Date.now()): { release(): void } | { heldBy: LockOwner } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date(now).toISOString() };
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return {
        release: () => {
          try {
            const current = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
            if (current.pid === owner.pid && current.startedAt === owner.startedAt) unlinkSync(file);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readOwner(file);
    const alive = holder && holder.hostname === hostname() ? processIsAlive(holder.pid) : holder !== undefined;
    const fresh = holder !== undefined && now - Date.parse(holder.startedAt) < STALE_MS;
    if (holder && alive && fresh) return { heldBy: holder };
    // The window that took it crashed or was closed mid-install: the lock is stale.
    try {
      unlinkSync(file);
    } catch {
      // Someone else cleared it first; try again.
    }
  }
  const holder = readOwner(file);
  return { heldBy: holder ?? { pid: 0, hostname: '?', startedAt: '?' } };
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

export interface NpmResult {
  ok: boolean;
  /** npm's exit code; null when killed or never started. */
  code: number | null;
  output: string;
  /** Set when npm could not be started at all. */
  spawnError?: NodeJS.ErrnoException;
  cancelled: boolean;
}

/** `npm install <pkg>@<version>` into `dir` (its own package.json and node_modules). */
export function npmInstall(options: {
  npm: string;
  dir: string;
  pkg: string;
  version: string;
  onOutput(line: string): void;
  signal?: AbortSignal;
}): Promise<NpmResult> {
  mkdirSync(options.dir, { recursive: true });
  const manifest = join(options.dir, 'package.json');
  // Its own package.json keeps npm from walking up into whatever folder contains global storage.
  if (!existsSync(manifest)) writeFileSync(manifest, `${JSON.stringify({ name: 'modellab-native-runtime', private: true, description: 'Installed by Model Lab: Set Up Native Runtime' }, null, 2)}\n`);
  return new Promise((resolve) => {
    let output = '';
    let cancelled = false;
    const child = spawn(options.npm, ['install', `${options.pkg}@${options.version}`, '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: options.dir,
      env: { ...process.env, npm_config_update_notifier: 'false' },
      shell: process.platform === 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split(/\r?\n/)) if (line.trim()) options.onOutput(line);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    options.signal?.addEventListener('abort', () => {
      cancelled = true;
      child.kill();
    });
    child.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: null, output, spawnError: err, cancelled }));
    child.once('close', (code) => resolve({ ok: code === 0 && !cancelled, code, output, cancelled }));
  });
}

/** Why the install failed, in words a person can act on. */
export function explainInstallFailure(result: NpmResult, npm: string): string {
  if (result.cancelled) return 'the install was cancelled';
  if (result.spawnError?.code === 'ENOENT') return `npm was not found (${npm}). Install Node.js, which includes npm, or set modelLab.runtime.nodePath to a Node whose folder has npm`;
  if (result.spawnError) return `npm could not be started: ${result.spawnError.message}`;
  const out = result.output;
  if (/storage\.googleapis\.com|libtensorflow/i.test(out) && /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|getaddrinfo|socket hang up/i.test(out)) {
    return 'the TensorFlow C library (libtensorflow) could not be downloaded from storage.googleapis.com: the network or a proxy blocks it';
  }
  if (/ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|getaddrinfo|network/i.test(out)) return 'the npm registry could not be reached: check the network or npm proxy settings';
  if (/E404|404 Not Found/.test(out)) return 'the package was not found in the npm registry configured on this machine';
  if (/EACCES|EPERM/.test(out)) return 'npm was not allowed to write the install folder';
  const last = out.trim().split(/\r?\n/).filter((l) => /err/i.test(l)).slice(-1)[0] ?? out.trim().split(/\r?\n/).slice(-1)[0];
  return `npm exited with code ${result.code}${last ? `: ${last.trim()}` : ''}`;
}
