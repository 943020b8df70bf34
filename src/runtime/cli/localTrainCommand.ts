/**
 * `model-lab local-train`: `gcloud ai-platform local train` (non-distributed) without gcloud. Same flags,
 * same behaviour: the module runs in the parent of --package-path, --job-dir is appended to the user args
 * as written (relative paths resolve against that parent), TF_CONFIG is set, no CLOUD_ML_* variables are.
 * The program's output is streamed through and its exit code becomes the command's.
 */
import { type Command, Option } from 'commander';
import { PythonLaunchError, runPythonTrial } from '../python/localTrain';
import { CliError, EXIT } from './exitCodes';

export interface LocalTrainOptions {
  packagePath?: string;
  moduleName: string;
  jobDir?: string;
  python?: string;
}

/** Exit codes of a program ended by a signal, as shells report them (128 + the signal's number). */
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };

export function registerLocalTrainCommand(program: Command): void {
  program
    .command('local-train')
    .description('Run a Python trainer package as `gcloud ai-platform local train` does: python -m <module> in the package\'s parent folder, with TF_CONFIG and --job-dir.')
    .option('--package-path <dir>', 'the trainer package folder (default: the current folder)')
    .requiredOption('--module-name <module>', 'the module to run, e.g. trainer.task')
    .option('--job-dir <dir>', 'passed to the program as --job-dir <dir>, and created; relative to the package\'s parent, as with gcloud')
    .addOption(new Option('--python <bin>', 'the Python to run (default: $MODELLAB_PYTHON, else python3)'))
    .argument('[user-args...]', 'arguments for the program, after --')
    .usage('--module-name <module> [--package-path <dir>] [--job-dir <dir>] [--python <bin>] [-- user args]')
    .action(async (userArgs: string[], options: LocalTrainOptions) => {
      process.exitCode = await localTrainCommand(options, userArgs);
    });
}

export async function localTrainCommand(options: LocalTrainOptions, userArgs: string[]): Promise<number> {
  const abort = new AbortController();
  // Ctrl-C reaches only Model Lab (the trainer runs in its own process group): pass it on as SIGTERM, the
  // way Cloud ML cancels a job; a second Ctrl-C leaves at once (the trainer is killed as Model Lab exits).
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('model-lab: stopping the trainer… (Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await runPythonTrial({
      packagePath: options.packagePath ?? process.cwd(),
      module: options.moduleName,
      args: userArgs,
      jobDir: options.jobDir,
      python: options.python,
      signal: abort.signal,
      onOutput: (line, stream) => process[stream].write(`${line}\n`),
    }).catch((error: unknown) => {
      if (error instanceof PythonLaunchError) throw new CliError(error.message, EXIT.usage);
      throw error;
    });
    if (result.cancelled) return EXIT.interrupted;
    if (result.exitCode !== null) return result.exitCode;
    return 128 + (SIGNAL_NUMBERS[result.signal ?? 'SIGTERM'] ?? 15);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
