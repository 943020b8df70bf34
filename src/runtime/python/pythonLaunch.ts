/**
 * The command line, working directory and environment of a Python trainer, built exactly as
 * `gcloud ai-platform local train` builds them (notes/cloudml-formats.md §1.4, from gcloud's
 * `command_lib/ml_engine/local_train.py`), plus what a Cloud ML tuning trial adds (§1.5, §2.2).
 * Pure: nothing here touches the disk or starts a process, so every detail can be unit tested.
 */
import { dirname, resolve } from 'node:path';

export interface LaunchInput {
  /** The trainer package folder (contains __init__.py); its parent is the working directory. */
  packagePath: string;
  /** The module to run, e.g. 'trainer.task'. */
  module: string;
  /** User args (what follows `--` for gcloud). */
  args?: string[];
  /**
   * Passed as `--job-dir` (a relative path is relative to the working directory, as the trainer sees it;
   * a `gs://` one is passed on untouched). Absent: no `--job-dir`, as gcloud without the flag.
   */
  jobDir?: string;
  /** Passed as `--name=value` after the user args. */
  hyperparameters?: Record<string, number | string>;
  /** Set for tuning trials ('1', '2', ... as Cloud numbers them). */
  trialId?: string;
  /** The Python executable; default env MODELLAB_PYTHON, else python3. */
  python?: string;
  /** Added to the inherited environment; a variable set to undefined is removed. */
  env?: NodeJS.ProcessEnv;
  /** Where the trainer writes cloudml-hypertune records (`CLOUD_ML_HP_METRIC_FILE`); absent: not set. */
  metricFile?: string;
}

export interface PythonLaunch {
  /** The Python executable (a path or a name looked up on PATH). */
  command: string;
  /** Everything after the executable: `-m <module> ...userArgs ...--name=value --job-dir <dir>`. */
  args: string[];
  /** The parent of the package folder, as gcloud runs it: relative paths in args resolve against it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The `TF_CONFIG` object (also in env, serialized). */
  tfConfig: LocalTfConfig;
}

/** What gcloud's local train puts in `TF_CONFIG` when not distributed, and a tuning trial's id. */
export interface LocalTfConfig {
  job: { job_name: string; args: string[] };
  task: { trial?: string };
  cluster: Record<string, never>;
  environment: 'cloud';
}

/** Python module names: dotted identifiers (`trainer.task`). */
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function isPythonModuleName(name: string): boolean {
  return MODULE_NAME.test(name);
}

/**
 * The Python to run: the `python` option, else `MODELLAB_PYTHON` (from the trial's env, then this process's),
 * else `python3` (`python` on Windows, where `python3` is often the Store's stub). gcloud's own order is its
 * `ml_engine/local_python` property, then `python` on PATH; `MODELLAB_PYTHON` plays the property's part.
 */
export function resolvePython(python?: string, env: NodeJS.ProcessEnv = {}): string {
  if (python) return python;
  const fromEnv = env.MODELLAB_PYTHON ?? process.env.MODELLAB_PYTHON;
  if (fromEnv) return fromEnv;
  return process.platform === 'win32' ? 'python' : 'python3';
}

/**
 * Hyperparameters as Cloud ML passes them to a trial: one `--name=value` argument each, in the given order.
 * The `=` form keeps a value that starts with `-` (a negative number) from being read as a flag by argparse.
 */
export function hyperparameterArgs(hyperparameters: Record<string, number | string> = {}): string[] {
  return Object.entries(hyperparameters).map(([name, value]) => `--${name}=${formatValue(value)}`);
}

function formatValue(value: number | string): string {
  // String(1e-7) is "1e-7": Python's float() and int() of whole numbers read JavaScript's number forms.
  return typeof value === 'number' ? String(value) : value;
}

/** Whether a job dir names a remote location (`gs://…`): passed on as it is, never created locally. */
export function isRemotePath(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/**
 * The full launch. Arguments are the user's, then the hyperparameters (after the user's, so that with
 * argparse a tuned value wins over a default the user also wrote), then `--job-dir <dir>` last, as gcloud
 * appends it (and not at all without a job dir, as gcloud). `TF_CONFIG.job.args` holds all of them, as gcloud's does. The job dir is passed as written:
 * gcloud does not resolve it, so a relative one is relative to `cwd`.
 */
export function buildPythonLaunch(input: LaunchInput): PythonLaunch {
  if (!isPythonModuleName(input.module)) {
    throw new Error(`'${input.module}' is not a Python module name (dotted identifiers, e.g. trainer.task)`);
  }
  const jobDirArgs = input.jobDir !== undefined ? ['--job-dir', input.jobDir] : [];
  const args = [...(input.args ?? []), ...hyperparameterArgs(input.hyperparameters), ...jobDirArgs];
  const tfConfig: LocalTfConfig = {
    job: { job_name: input.module, args },
    // gcloud leaves `task` empty when not distributed. A trial adds only `trial`, as the service does: a task
    // `type` without a `cluster` makes TensorFlow's RunConfig/ClusterResolver refuse to start.
    task: input.trialId !== undefined ? { trial: input.trialId } : {},
    cluster: {},
    environment: 'cloud',
  };
  const env: NodeJS.ProcessEnv = { ...process.env, ...input.env };
  for (const [key, value] of Object.entries(input.env ?? {})) if (value === undefined) delete env[key];
  // Output goes to a pipe, not a terminal: unbuffered, it reaches the log as it is printed, interleaves
  // stdout and stderr in order, and survives a kill. The user's own setting wins.
  if (env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = '1';
  env.TF_CONFIG = pythonJsonDumps(tfConfig);
  if (input.trialId !== undefined) env.CLOUD_ML_TRIAL_ID = input.trialId;
  if (input.metricFile !== undefined) env.CLOUD_ML_HP_METRIC_FILE = input.metricFile;
  return {
    command: absoluteIfPath(resolvePython(input.python, input.env)),
    args: ['-m', input.module, ...args],
    cwd: dirname(resolve(input.packagePath)),
    env,
    tfConfig,
  };
}

/**
 * A relative path to a Python (`.venv/bin/python`) means from here, where the user typed it; the child starts
 * in the package's parent, where the same text would name another file. A bare name is looked up on PATH.
 */
function absoluteIfPath(command: string): string {
  return /[\\/]/.test(command) ? resolve(command) : command;
}

/**
 * `json.dumps(value)` with Python's defaults (`", "` and `": "` separators, non-ASCII escaped), so that
 * `TF_CONFIG` is byte for byte what gcloud sets. Handles the JSON subset TF_CONFIG uses.
 */
export function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  return JSON.stringify(value) ?? 'null';
}
