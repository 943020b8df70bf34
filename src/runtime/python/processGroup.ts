/**
 * Starting a program so that it can be stopped completely. On POSIX the child leads its own process group,
 * and signals go to the whole group: a trainer's own workers (joblib, multiprocessing, a data loader) stop
 * with it instead of living on as orphans. Windows has no process groups; there the child alone is signalled.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export type PipedChild = ChildProcessByStdio<null, Readable, Readable>;

const usesGroups = process.platform !== 'win32';

/** Children still running, killed if this process exits first (e.g. a second Ctrl-C calling process.exit). */
const live = new Set<PipedChild>();
let exitHookInstalled = false;

export function spawnInGroup(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): PipedChild {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: usesGroups, windowsHide: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // One listener for every child: a listener per trial would trip Node's max-listeners warning.
    process.once('exit', () => {
      for (const c of live) signalGroup(c, 'SIGKILL');
    });
  }
  return child;
}

/** Sends `signal` to the child's process group (the child alone on Windows). False if nothing was there. */
export function signalGroup(child: PipedChild, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    if (usesGroups) process.kill(-child.pid, signal);
    else child.kill(signal);
    return true;
  } catch {
    // ESRCH: the group is gone already.
    return false;
  }
}

/** Splits a stream's text into lines (without `\n` or a trailing `\r`), keeping a partial line for later. */
export class LineSplitter {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    this.pending += chunk;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.onLine(this.pending.slice(0, nl).replace(/\r$/, ''));
      this.pending = this.pending.slice(nl + 1);
    }
  }

  /** The last line, when the stream ended without a newline. */
  end(): void {
    if (this.pending !== '') this.onLine(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}
