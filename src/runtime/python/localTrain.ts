/**
 * Runs a Python trainer package the way `gcloud ai-platform local train` does (non-distributed), for a
 * plain run or as one trial of a tuning study: `python -m <module> ...args --job-dir <dir>` in the parent of
 * the package folder, with `TF_CONFIG`; a trial also gets its hyperparameters as `--name=value`,
 * `TF_CONFIG.task.trial`, `CLOUD_ML_TRIAL_ID` and its own `CLOUD_ML_HP_METRIC_FILE`, which is watched so
 * that every metric the trainer reports through the cloudml-hypertune protocol arrives as it is written.
 *
 * Python: the `python` option, else env `MODELLAB_PYTHON`, else `python3` (see pythonLaunch.ts).
 * Differences from gcloud, each deliberate: the job dir is created; `PYTHONUNBUFFERED=1` is set (unless
 * set already) because output goes to a pipe; the trainer's child processes are stopped with it.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Measurement, MetricFileReader } from './hypertuneMetricFile';
import { LineSplitter, type PipedChild, signalGroup, spawnInGroup } from './processGroup';
import { type LaunchInput, type PythonLaunch, buildPythonLaunch, isRemotePath } from './pythonLaunch';

export type { Measurement } from './hypertuneMetricFile';
export { buildPythonLaunch, hyperparameterArgs, resolvePython, type PythonLaunch } from './pythonLaunch';

/** What a launch takes (pythonLaunch.ts), plus how the run is watched and stopped. The job dir is created. */
export interface PythonTrialOptions extends LaunchInput {
  /** Abort: SIGTERM, then SIGKILL after `killGraceMs`; result.cancelled. */
  signal?: AbortSignal;
  /** Exceeded: killed as on abort; result.timedOut. */
  timeoutMs?: number;
  /** stdout and stderr are appended here as they arrive (the folder is created). */
  logFile?: string;
  /** Each new metric record, as it appears in the metric file. */
  onMeasurement?(m: Measurement): void;
  /** Each line of output; `stream` says which. */
  onOutput?(line: string, stream: 'stdout' | 'stderr'): void;
  /**
   * Where the trainer writes its metric records. A trial without one gets a fresh file in the temp folder,
   * removed afterwards; a plain run without one gets none (as with gcloud). An existing file is removed
   * first: its records belong to an earlier run.
   */
  metricFile?: string;
  /** How often the metric file is read; default 250 ms. */
  metricPollMs?: number;
  /** Between SIGTERM and SIGKILL; default 5000 ms. */
  killGraceMs?: number;
}

export interface PythonTrialResult {
  /** The trainer's exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Everything reported through the metric file, in order. */
  measurements: Measurement[];
  durationMs: number;
}

/** The trainer could not be started at all (no such Python, no package folder). */
export class PythonLaunchError extends Error {
  override readonly name = 'PythonLaunchError';
}

const DEFAULT_POLL_MS = 250;
const DEFAULT_GRACE_MS = 5000;

export async function runPythonTrial(options: PythonTrialOptions): Promise<PythonTrialResult> {
  await checkPackageFolder(options.packagePath);
  if (options.signal?.aborted) {
    return { exitCode: null, signal: null, timedOut: false, cancelled: true, measurements: [], durationMs: 0 };
  }
  const metrics = await prepareMetricFile(options);
  try {
    let launch: PythonLaunch;
    try {
      launch = buildPythonLaunch({ ...options, metricFile: metrics?.path });
    } catch (error) {
      throw new PythonLaunchError((error as Error).message);
    }
    if (options.jobDir !== undefined && !isRemotePath(options.jobDir)) await mkdir(resolve(launch.cwd, options.jobDir), { recursive: true });
    const log = options.logFile ? await openLog(options.logFile) : undefined;
    try {
      return await supervise(launch, options, metrics?.reader, log);
    } finally {
      if (log) await new Promise<void>((done) => log.end(done));
    }
  } finally {
    await metrics?.cleanup();
  }
}

async function checkPackageFolder(packagePath: string): Promise<void> {
  const info = await stat(packagePath).catch(() => undefined);
  if (!info?.isDirectory()) throw new PythonLaunchError(`the package path ${resolve(packagePath)} is not a folder`);
}

interface MetricWatch {
  path: string;
  reader: MetricFileReader;
  cleanup(): Promise<void>;
}

async function prepareMetricFile(options: PythonTrialOptions): Promise<MetricWatch | undefined> {
  if (options.metricFile !== undefined) {
    const path = resolve(options.metricFile);
    await rm(path, { force: true });
    await mkdir(dirname(path), { recursive: true });
    return { path, reader: new MetricFileReader(path), cleanup: async () => {} };
  }
  if (options.trialId === undefined) return undefined;
  const folder = await mkdtemp(join(tmpdir(), 'modellab-hypertune-'));
  const path = join(folder, 'output.metrics');
  return { path, reader: new MetricFileReader(path), cleanup: () => rm(folder, { recursive: true, force: true }) };
}

async function openLog(file: string): Promise<WriteStream> {
  await mkdir(dirname(resolve(file)), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  await new Promise<void>((done, fail) => stream.once('open', () => done()).once('error', fail));
  // A log that can no longer be written (disk full) must not bring the trial down; the output still reaches onOutput.
  stream.on('error', () => {});
  return stream;
}

/** Starts the trainer and follows it to the end: output, metrics, timeout, cancellation. */
function supervise(launch: PythonLaunch, options: PythonTrialOptions, reader: MetricFileReader | undefined, log: WriteStream | undefined): Promise<PythonTrialResult> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const measurements: Measurement[] = [];
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const child: PipedChild = spawnInGroup(launch.command, launch.args, { cwd: launch.cwd, env: launch.env });

    const stop = (): void => {
      if (killTimer) return;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), options.killGraceMs ?? DEFAULT_GRACE_MS);
    };
    const onAbort = (): void => {
      if (!timedOut) cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            if (!cancelled) timedOut = true;
            stop();
          }, options.timeoutMs)
        : undefined;

    // An error thrown by onMeasurement or onOutput is the caller's: it is given back when the trainer has
    // finished, rather than breaking the chain of polls or escaping from a stream's event handler.
    let listenerError: unknown;
    const call = <A extends unknown[]>(listener: ((...args: A) => void) | undefined, ...args: A): void => {
      try {
        listener?.(...args);
      } catch (error) {
        listenerError ??= error;
      }
    };

    // Metric polls never overlap: each waits for the one before it. A file unreadable for a moment is read
    // again at the next poll.
    let polling: Promise<void> = Promise.resolve();
    const poll = (final: boolean): Promise<void> => {
      if (!reader) return polling;
      polling = polling.then(async () => {
        for (const m of await reader.read({ final }).catch(() => [])) {
          measurements.push(m);
          call(options.onMeasurement?.bind(options), m);
        }
      });
      return polling;
    };
    const pollTimer = reader ? setInterval(() => void poll(false), options.metricPollMs ?? DEFAULT_POLL_MS) : undefined;

    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = new LineSplitter((line) => call(options.onOutput?.bind(options), line, stream));
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        log?.write(chunk);
        lines.push(chunk);
      });
      child[stream].on('end', () => lines.end());
    }

    const cleanup = (): void => {
      clearInterval(pollTimer);
      clearTimeout(timeout);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      const reason = error.code === 'ENOENT' ? 'not found' : error.message;
      fail(new PythonLaunchError(`cannot start Python '${launch.command}': ${reason} (set --python or MODELLAB_PYTHON)`));
    });
    // The job ends when its main process does, as on Cloud ML: whatever it left running is stopped, or the
    // pipes it inherited would keep 'close' from ever coming.
    child.once('exit', () => signalGroup(child, 'SIGKILL'));
    child.once('close', (exitCode, signal) => {
      cleanup();
      void poll(true).then(() => {
        if (listenerError !== undefined) fail(listenerError);
        else done({ exitCode, signal, timedOut, cancelled, measurements, durationMs: performance.now() - started });
      });
    });
  });
}
