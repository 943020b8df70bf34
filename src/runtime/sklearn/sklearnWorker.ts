/**
 * A long-lived Python process that holds one scikit-learn model (`model.joblib` / `model.pkl`) and predicts
 * batches for it, the way AI Platform's scikit-learn runtime serves such folders. The Python side is
 * sklearnWorkerScript.ts; requests and answers are JSON Lines over the child's stdin/stdout.
 *
 * The process starts on the first request (or `start()`), is started again if it dies, and is stopped by
 * `close()`. While no request is in flight it does not keep Node's event loop alive.
 *
 * Python: env `MODELLAB_PYTHON`, else `/usr/bin/python3` when it imports scikit-learn, else `python3`.
 *
 * SECURITY: unpickling a model file runs code from it (joblib and pickle both). Only load model folders the
 * user chose; never a folder that arrived over the network without the user's say-so.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SKLEARN_WORKER_SCRIPT } from './sklearnWorkerScript';

/** No Python with scikit-learn was found; the message says what to install. */
export class SklearnUnavailableError extends Error {}

export const SKLEARN_MISSING_ADVICE =
  'install python3 with scikit-learn (e.g. `apt-get install python3-sklearn`, or `pip install scikit-learn`), ' +
  'set MODELLAB_PYTHON to a Python that has it, or convert the model to ONNX with skl2onnx';

export interface PythonWithSklearn {
  python: string;
  sklearnVersion: string;
}

const probed = new Map<string, PythonWithSklearn | string>();

/** Whether `python` imports scikit-learn (and numpy): its version, or why not. Cached per executable. */
export function probeSklearn(python: string): PythonWithSklearn | string {
  const cached = probed.get(python);
  if (cached !== undefined) return cached;
  const r = spawnSync(python, ['-c', 'import numpy, sklearn; print(sklearn.__version__)'], { encoding: 'utf8', timeout: 30_000 });
  let result: PythonWithSklearn | string;
  if (r.error) result = `${python} could not be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  else if (r.status !== 0) result = `${python} cannot import scikit-learn (${(r.stderr.trim().split('\n').pop() ?? '').trim() || `exit ${r.status}`})`;
  else result = { python, sklearnVersion: r.stdout.trim() };
  probed.set(python, result);
  return result;
}

/** The Python to run scikit-learn models with, or a SklearnUnavailableError saying what is missing. */
export function resolveSklearnPython(env: NodeJS.ProcessEnv = process.env): PythonWithSklearn {
  const chosen = env.MODELLAB_PYTHON?.trim();
  const candidates = chosen ? [chosen] : ['/usr/bin/python3', 'python3'];
  const reasons: string[] = [];
  for (const python of candidates) {
    const r = probeSklearn(python);
    if (typeof r !== 'string') return r;
    reasons.push(r);
  }
  throw new SklearnUnavailableError(
    `scikit-learn models need Python with scikit-learn, and none was found: ${reasons.join('; ')}${chosen ? ' (from MODELLAB_PYTHON)' : ''}. ` +
      `To serve this model, ${SKLEARN_MISSING_ADVICE}.`,
  );
}

export type SklearnMethod = 'predict' | 'predict_proba';

/** What the worker says about the model once loaded. */
export interface SklearnModelInfo {
  modelType: string;
  sklearnVersion: string;
  pythonVersion: string;
  methods: SklearnMethod[];
  classes?: unknown[];
  nFeaturesIn?: number;
}

export type WorkerOutcome = { prediction: unknown } | { error: string };

interface Pending {
  resolve(outcomes: WorkerOutcome[]): void;
  reject(err: Error): void;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<SklearnModelInfo>;
  pending: Map<number, Pending>;
  stderrTail: string;
  exited: boolean;
}

export interface SklearnWorkerOptions {
  python?: string;
  /** The method used when a request names none (default 'predict', as Cloud's runtime). */
  method?: SklearnMethod;
  /** Extra environment for the child. */
  env?: NodeJS.ProcessEnv;
}

export class SklearnWorker {
  private running?: Running;
  private nextId = 1;
  private closed = false;
  /** Set when the worker could not load the model (not a crash): it is not started again for nothing. */
  private loadFailure?: Error;
  /** How many times the process has been started. */
  starts = 0;
  info?: SklearnModelInfo;

  constructor(
    readonly modelFile: string,
    private readonly options: SklearnWorkerOptions = {},
  ) {}

  /** Starts the process if it is not running; resolves once the model is loaded. */
  start(): Promise<SklearnModelInfo> {
    if (this.closed) return Promise.reject(new Error('the scikit-learn worker is closed'));
    if (this.loadFailure) return Promise.reject(this.loadFailure);
    if (this.running && !this.running.exited) return this.running.ready;
    const python = this.options.python ?? resolveSklearnPython(this.options.env ?? process.env).python;
    const child = spawn(python, ['-u', '-c', SKLEARN_WORKER_SCRIPT, this.modelFile, this.options.method ?? 'predict'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...this.options.env, PYTHONUNBUFFERED: '1' },
    });
    this.starts++;
    const running: Running = { child, pending: new Map(), stderrTail: '', exited: false, ready: undefined as never };
    this.running = running;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      running.stderrTail = (running.stderrTail + chunk).slice(-4000);
    });
    child.stdin.on('error', () => {}); // a dead child's pipe: reported by 'exit'
    running.ready = new Promise<SklearnModelInfo>((resolveReady, rejectReady) => {
      let readyDone = false;
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line);
        } catch {
          running.stderrTail += `\n(unexpected output: ${line.slice(0, 200)})`;
          return;
        }
        if (!readyDone) {
          readyDone = true;
          if (msg.ready) {
            this.info = {
              modelType: String(msg.model_type),
              sklearnVersion: String(msg.sklearn_version),
              pythonVersion: String(msg.python_version),
              methods: msg.methods as SklearnMethod[],
              classes: msg.classes as unknown[] | undefined,
              nFeaturesIn: msg.n_features_in as number | undefined,
            };
            this.idle(running);
            resolveReady(this.info);
          } else {
            const fatal = String(msg.fatal ?? 'the worker did not start');
            this.loadFailure =
              msg.kind === 'missing-python-package'
                ? new SklearnUnavailableError(`${python}: ${fatal}. To serve this model, ${SKLEARN_MISSING_ADVICE}.`)
                : new Error(`${this.modelFile}: ${fatal}`);
            rejectReady(this.loadFailure);
          }
          return;
        }
        const pending = running.pending.get(msg.id as number);
        if (!pending) return;
        running.pending.delete(msg.id as number);
        if (running.pending.size === 0) this.idle(running);
        if (Array.isArray(msg.outcomes)) pending.resolve(msg.outcomes as WorkerOutcome[]);
        else pending.reject(new Error(String(msg.error ?? 'the worker answered without outcomes')));
      });
      const onGone = (why: string) => {
        if (running.exited) return;
        running.exited = true;
        const tail = running.stderrTail.trim().split('\n').slice(-5).join('\n');
        const err = new Error(`the scikit-learn worker (${python}) ${why}${tail ? `: ${tail}` : ''}`);
        if (!readyDone) {
          readyDone = true;
          rejectReady(err);
        }
        for (const p of running.pending.values()) p.reject(err);
        running.pending.clear();
      };
      child.on('error', (err) => onGone(`could not be run (${err.message})`));
      // 'close', not 'exit': answers still in the pipe are read first.
      child.on('close', (code, signal) => onGone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    });
    running.ready.catch(() => {}); // surfaced to whoever awaits it
    return running.ready;
  }

  /** Predicts a batch; restarts the process first if it has died. */
  async predict(instances: unknown[], method?: SklearnMethod): Promise<WorkerOutcome[]> {
    await this.start();
    const running = this.running!;
    if (running.exited) throw new Error('the scikit-learn worker exited');
    const id = this.nextId++;
    return new Promise<WorkerOutcome[]>((resolve, reject) => {
      running.pending.set(id, { resolve, reject });
      this.busy(running);
      running.child.stdin.write(`${JSON.stringify({ id, method, instances })}\n`);
    });
  }

  /** Stops the process: closes its stdin, then kills it if it has not exited within `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    const running = this.running;
    if (!running || running.exited) return;
    const exited = new Promise<void>((r) => running.child.once('close', () => r()));
    this.busy(running); // keep the event loop alive until it has gone
    running.child.stdin.end();
    const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** The child's process id while it runs (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.running && !this.running.exited ? this.running.child.pid : undefined;
  }

  private idle(r: Running): void {
    r.child.unref();
    for (const s of [r.child.stdin, r.child.stdout, r.child.stderr] as unknown as { unref?: () => void }[]) s.unref?.();
  }

  private busy(r: Running): void {
    r.child.ref();
    for (const s of [r.child.stdin, r.child.stdout, r.child.stderr] as unknown as { ref?: () => void }[]) s.ref?.();
  }
}
