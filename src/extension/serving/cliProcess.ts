/**
 * Starts the `model-lab` CLI (dist/cli.js) as a child of the extension host, so that it never outlives
 * the window: it runs in its own process group (stopping it stops whatever it started, e.g. the Python
 * worker of a scikit-learn model), and a tiny preamble ends it when its stdin closes, which happens when
 * the extension host dies without a chance to stop it. vscode-free, so node:test covers it.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface CliLaunch {
  /** The Node binary (nodeLaunch().execPath). */
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** dist/cli.js. */
  cli: string;
  cwd?: string;
}

/**
 * Run by `node -e` before the CLI: when the parent's end of stdin closes, SIGTERM ourselves (the CLI's
 * own graceful path). `unref` keeps the pipe from holding a finished command (batch-predict) open.
 */
const PREAMBLE =
  "process.stdin.on('end',()=>process.kill(process.pid,'SIGTERM'));process.stdin.on('error',()=>{});process.stdin.resume();process.stdin.unref();require(process.argv[1]);";

export interface CliChild {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /**
   * SIGTERM to the whole group (graceful: serve finishes requests in flight, batch-predict checkpoints),
   * then SIGKILL after `graceMs` if anything is left. Resolves when the process has ended.
   */
  stop(graceMs?: number): Promise<number | string>;
  /** Whether the process is still running. */
  readonly running: boolean;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Windows has no process groups: there the child alone is signalled (terminated).
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone (ESRCH): nothing to stop.
  }
}

export function spawnCli(launch: CliLaunch, args: string[]): CliChild {
  const child = spawn(launch.execPath, ['-e', PREAMBLE, launch.cli, ...args], {
    cwd: launch.cwd,
    env: launch.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, so that stop() reaches every process it started.
    detached: true,
    windowsHide: true,
  });
  let running = true;
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => {
      running = false;
      // 'close' comes once stdout/stderr are drained (their last lines say why it failed); a grandchild
      // still holding the pipes must not delay the answer for long.
      const result = code ?? signal ?? 'unknown';
      const timer = setTimeout(() => done(result), 500);
      child.once('close', () => {
        clearTimeout(timer);
        done(result);
      });
    });
    child.once('error', (err) => {
      running = false;
      done(err.message);
    });
  });
  return {
    child,
    exited,
    get running() {
      return running;
    },
    stop(graceMs = 5000) {
      if (running && child.pid !== undefined) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        void exited.then(() => {
          clearTimeout(timer);
          // The leader is gone; anything it left in its group goes too.
          if (process.platform !== 'win32') killGroup(child, 'SIGKILL');
        });
      }
      return exited;
    },
  };
}

/** Calls `onLine` for each complete line of a stream. */
export function onLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}
