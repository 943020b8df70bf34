/**
 * `model-lab tune`, `model-lab studies`, `model-lab study <id>`: HyperTune studies on the command line.
 * The study runs in this process; its trials run in warm worker processes (dist/runtime.js) or as
 * Python processes. Ctrl-C stops the study cleanly: running trials are cancelled and re-queued, the
 * study is CANCELLED and `--resume` continues it.
 */
import type { Command } from 'commander';
import type { BackendRequest, StudySummary, TrainingOutput, TuneResult } from '../../protocol/runtimeProtocol';
import { isBackendRequest } from '../backend/selectBackend';
import { StudyNotFoundError } from '../tune/studyFolder';
import { studyDetails, studySummaries } from '../tune/studySummary';
import { tuneJob } from '../tune/tuneJob';
import { collect } from './cliArgs';
import { CliError, EXIT } from './exitCodes';
import { formatValue, JsonTuneReporter, LiveTuneReporter, PlainTuneReporter, type TuneReporter } from './tuneReporters';

export interface TuneOptions {
  set: string[];
  parallel?: string;
  resume?: string;
  json?: boolean;
  trialTimeout?: string;
  workspace?: string;
  seed?: string;
  backend: string;
  python?: string;
  verbose?: boolean;
}

function positiveNumber(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new CliError(`${flag} expects a positive ${integer ? 'whole number' : 'number'}, got '${text}'`, EXIT.usage);
  }
  return n;
}

function chooseReporter(options: TuneOptions): TuneReporter {
  if (options.json) return new JsonTuneReporter();
  return process.stdout.isTTY ? new LiveTuneReporter(options.verbose) : new PlainTuneReporter(options.verbose);
}

const EXIT_OF: Record<TuneResult['state'], number> = { SUCCEEDED: EXIT.ok, FAILED: EXIT.failed, CANCELLED: EXIT.interrupted };

export async function tuneCommand(specFile: string | undefined, options: TuneOptions): Promise<number> {
  if (!specFile && !options.resume) throw new CliError('give a spec file to tune, or --resume <studyId>', EXIT.usage);
  if (!isBackendRequest(options.backend)) throw new CliError(`unknown backend '${options.backend}' (auto, tensorflow-gpu, tensorflow, wasm, cpu)`, EXIT.usage);
  const parallel = positiveNumber(options.parallel, '--parallel', true);
  const trialTimeoutSeconds = positiveNumber(options.trialTimeout, '--trial-timeout', false);
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new CliError(`--seed expects a whole number, got '${options.seed}'`, EXIT.usage);

  const reporter = chooseReporter(options);
  const abort = new AbortController();
  // First Ctrl-C stops the study cleanly (resumable); a second one leaves at once.
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    reporter.log('warn', 'stopping the study… (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await tuneJob(
      {
        specFile,
        resumeStudyId: options.resume,
        workspace: options.workspace,
        overrides: options.set,
        parallel,
        trialTimeoutSeconds,
        seed,
        backend: options.backend as BackendRequest,
        python: options.python,
        signal: abort.signal,
      },
      {
        onStudy: (p) => reporter.study(p),
        onSuggestion: (p) => reporter.suggestion(p),
        onTrialState: (p) => reporter.trial(p),
        onMeasurement: (p) => reporter.measurement(p),
        onLog: (level, message) => reporter.log(level, message),
      },
    );
    reporter.result(result);
    return EXIT_OF[result.state];
  } catch (err) {
    if (err instanceof StudyNotFoundError) throw new CliError(err.message, EXIT.usage);
    throw err;
  } finally {
    reporter.close();
    process.off('SIGINT', onSigint);
  }
}

function objectiveOf(s: StudySummary): string {
  return s.best ? `${formatValue(s.best.objective)} (trial ${s.best.trialId})` : '—';
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

export function studiesCommand(options: { workspace?: string; json?: boolean }): number {
  const studies = studySummaries(options.workspace ?? process.cwd());
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ studies })}\n`);
    return EXIT.ok;
  }
  if (studies.length === 0) {
    console.log(`no studies in ${options.workspace ?? process.cwd()} (model-lab tune <spec> starts one)`);
    return EXIT.ok;
  }
  const rows = [['study', 'state', 'algorithm', 'trials (done/stopped/failed/max)', 'metric', 'best', 'created']];
  for (const s of studies) {
    const c = s.counts;
    rows.push([
      s.studyId,
      s.interrupted ? 'INTERRUPTED (resumable)' : s.state,
      s.algorithm,
      `${c.completed}/${c.stopped}/${c.failed}/${s.maxTrials}`,
      `${s.goal === 'MINIMIZE' ? 'min' : 'max'} ${s.hyperparameterMetricTag}`,
      objectiveOf(s),
      s.createdAt,
    ]);
  }
  printTable(rows);
  return EXIT.ok;
}

function leaderboard(output: TrainingOutput): string[][] {
  const names = [...new Set(output.trials.flatMap((t) => Object.keys(t.hyperparameters)))];
  const rows = [['rank', 'trial', 'state', output.hyperparameterMetricTag, 'step', 'seconds', ...names, 'run']];
  output.trials.forEach((t, i) => {
    const state = t.isTrialStoppedEarly ? 'STOPPED EARLY' : t.state;
    rows.push([
      t.finalMetric ? String(i + 1) : '',
      t.trialId,
      state,
      t.finalMetric ? formatValue(t.finalMetric.objectiveValue) : '',
      t.finalMetric?.trainingStep ?? '',
      t.durationSeconds === undefined ? '' : t.durationSeconds.toFixed(1),
      ...names.map((n) => t.hyperparameters[n] ?? ''),
      t.runId,
    ]);
  });
  return rows;
}

export function studyCommand(studyId: string, options: { workspace?: string; json?: boolean }): number {
  let details: ReturnType<typeof studyDetails>;
  try {
    details = studyDetails(options.workspace ?? process.cwd(), studyId);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(details)}\n`);
    return EXIT.ok;
  }
  const s = details.study;
  console.log(`study ${s.studyId}: ${s.interrupted ? 'INTERRUPTED (resume with model-lab tune --resume ' + s.studyId + ')' : s.state}, ${s.algorithm}, ${s.goal} ${s.hyperparameterMetricTag}`);
  if (details.trainingOutput.trials.length === 0) console.log('no trials yet');
  else printTable(leaderboard(details.trainingOutput));
  for (const t of details.trainingOutput.trials.filter((t) => t.error)) console.log(`trial ${t.trialId}: ${t.error}`);
  return EXIT.ok;
}

/** Wraps a command so its resolved number becomes the exit code. */
function run<A extends unknown[]>(action: (...args: A) => number | Promise<number>) {
  return async (...args: A) => {
    process.exitCode = await action(...args);
  };
}

export function registerTuneCommands(program: Command): void {
  program
    .command('tune')
    .description('Run a HyperTune study: trials of the spec (or Cloud training job config) with the hyperparameters its algorithm suggests.')
    .argument('[spec]', 'job spec with a hyperparameters section, or a gcloud training job config (optional with --resume)')
    .option('--parallel <n>', 'trials at a time (overrides maxParallelTrials)')
    .option('--resume <studyId>', 'continue a stopped, interrupted or finished study (its --set overrides still apply; new ones come after them)')
    .option('--trial-timeout <seconds>', 'stop a trial that runs longer, as FAILED (counted from when a worker takes it)')
    .option('--set <key=value>', 'override a spec field for every trial, e.g. training.epochs=5 (repeatable)', collect, [])
    .option('--seed <n>', 'seed of the search algorithm (default: random, recorded in study.json)')
    .option('--backend <name>', 'TensorFlow.js backend of the trials', 'auto')
    .option('--python <path>', 'Python for trainer packages (default: MODELLAB_PYTHON, else python3)')
    .option('--workspace <dir>', "folder that holds .modellab/ (default: the spec's folder)")
    .option('--json', 'print one JSON object per line, ending with {"type":"result","trainingOutput":…}')
    .option('-v, --verbose', 'print measurements and debug lines too')
    .action(run(tuneCommand));

  program
    .command('studies')
    .description('List the studies of a workspace: state, trials, best objective.')
    .option('--workspace <dir>', 'folder that holds .modellab/ (default: the current folder)')
    .option('--json', 'print {"studies":[…]}')
    .action(run(studiesCommand));

  program
    .command('study')
    .description("Show a study's leaderboard: its trials, best first.")
    .argument('<studyId>', 'a study id (model-lab studies lists them)')
    .option('--workspace <dir>', 'folder that holds .modellab/ (default: the current folder)')
    .option('--json', 'print {"study":…,"trainingOutput":…}')
    .action(run(studyCommand));
}
