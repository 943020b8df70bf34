/**
 * `model-lab`: the engine on the command line, the same code the VS Code extension drives through
 * the runtime process. Exit codes: see exitCodes.ts; a failure prints one line saying why.
 */
import { Command, CommanderError, Option } from 'commander';
import { RUNTIME_VERSION } from '../version';
import { SpecError } from '../spec/specError';
import { DataError } from '../data/dataError';
import { collect } from './cliArgs';
import { CliError, EXIT } from './exitCodes';
import { registerBatchPredictCommand } from './batchPredictCommand';
import { registerDoctorCommand } from './doctorCommand';
import { registerExportCommand } from './exportCommand';
import { registerServeCommands } from './serveCommands';
import { registerLocalTrainCommand } from './localTrainCommand';
import { predictCommand } from './predictCommand';
import { trainCommand } from './trainCommand';
import { registerTuneCommands } from './tuneCommands';
import { validateCommand } from './validateCommand';

const backendOption = () =>
  new Option('--backend <name>', 'TensorFlow.js backend: auto picks the best available').default('auto').choices(['auto', 'webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);

/** Wraps a command so its resolved number becomes the exit code. */
function run<A extends unknown[]>(action: (...args: A) => Promise<number>) {
  return async (...args: A) => {
    process.exitCode = await action(...args);
  };
}

const program = new Command()
  .name('model-lab')
  .description('Model Lab: train, tune and serve models locally with Cloud ML Engine formats.')
  .version(RUNTIME_VERSION)
  .showHelpAfterError()
  // Before any command is added: subcommands inherit it, so their usage errors exit 2 too.
  .exitOverride();

program
  .command('train')
  .description('Train a model from a job spec (modellab.yaml) and write a run folder with the model bundle.')
  .argument('<spec>', 'job spec file (YAML or JSON)')
  .option('--set <key=value>', 'override a spec field, e.g. training.epochs=5 (repeatable)', collect, [])
  .option('--param <name=value>', 'value for a {{name}} hyperparameter placeholder (repeatable)', collect, [])
  .addOption(backendOption())
  .option('--workspace <dir>', 'folder that holds .modellab/ (default: the spec\'s folder)')
  .option('--json', 'print one JSON object per line, ending with a result object')
  .option('-v, --verbose', 'print debug lines too')
  .action(run(trainCommand));

program
  .command('predict')
  .description('Predict raw records with a model folder, applying its saved transform; one JSON prediction per line.')
  .argument('<model-folder>', 'a model folder (e.g. .modellab/runs/<run>/model)')
  .requiredOption('--instances <file>', 'instances as JSON Lines (one object per line) or CSV with a header')
  .addOption(backendOption())
  .action(run(predictCommand));

program
  .command('validate')
  .description('Check a job spec (schema, placeholders, hyperparameter rules) without training.')
  .argument('<spec>', 'job spec file (YAML or JSON)')
  .option('--set <key=value>', 'override a spec field (repeatable)', collect, [])
  .action(run(validateCommand));

registerBatchPredictCommand(program);
registerDoctorCommand(program);
registerServeCommands(program);
registerLocalTrainCommand(program);
registerTuneCommands(program);
registerExportCommand(program);

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.trim();
}

// `model-lab … | head` closes the pipe early: that is the reader's choice, not an error to report.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT.usage;
    return;
  }
  if (err instanceof SpecError) {
    // Every problem on its own line (file:line:col: path: message), so editors can jump to each.
    console.error(err.message);
    process.exitCode = EXIT.usage;
    return;
  }
  console.error(`model-lab: ${oneLine(err)}`);
  // A data error that points at a spec field (a label that is not a column) is the spec's fault.
  process.exitCode = err instanceof CliError ? err.exitCode : err instanceof DataError && err.problem ? EXIT.usage : EXIT.failed;
});
