/**
 * `model-lab batch-predict`: Vertex AI-style batch prediction over local files. Exit 0 when the job ran
 * to the end, bad lines included (they are in the errors shards); 130 when cancelled (the output folder
 * is resumable); 1 when the job itself failed; 2 for a wrong command line.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { type BatchReporter, JsonBatchReporter, PlainBatchReporter, TerminalBatchReporter } from '../batch/batchReporters';
import { BatchPredictionJobError, runBatchPrediction } from '../batch/runBatchPrediction';
import { runEngineWorker, startEnginePool } from '../batch/enginePool';
import { inProcessPredictor } from '../batch/predictBatch';
import { loadModelFolder } from '../serving/loadModelFolder';
import { collect } from './cliArgs';
import { CliError, EXIT } from './exitCodes';

export interface BatchPredictOptions {
  input: string[];
  output: string;
  batchSize: string;
  shards?: string;
  concurrency?: string;
  workers?: string;
  json?: boolean;
}

export function registerBatchPredictCommand(program: Command): void {
  program
    .command('batch-predict')
    .description('Predict every line of JSON Lines / CSV files (globs, .gz) into Vertex AI-style prediction.results-* and prediction.errors_stats-* shards; re-run to resume.')
    .argument('<model-folder>', 'a model folder (e.g. .modellab/runs/<run>/model)')
    .requiredOption('--input <path|glob>', 'input file or glob of JSON Lines or CSV (repeatable)', collect, [])
    .requiredOption('--output <dir>', 'output folder; an unfinished job there is resumed')
    .option('--batch-size <n>', 'instances per model call', '64')
    .option('--shards <n>', 'output shards (default 1, or the resumed job\'s)')
    .option('--concurrency <n>', 'model calls in flight at once (default 4 per engine worker, at least 4)')
    .option('--workers <n>', `engine replicas in worker threads (default one per CPU core, at most ${MAX_DEFAULT_WORKERS}: ${defaultWorkers()} here; 0: the model runs in the main thread)`)
    .option('--json', 'print one JSON object per line, ending with a result object')
    .action(async (modelDir: string, options: BatchPredictOptions) => {
      process.exitCode = await batchPredictCommand(modelDir, options);
    });
  // The engine workers are this same CLI started in a worker thread with this command (see enginePool.ts).
  program.command(ENGINE_WORKER_COMMAND, { hidden: true }).action(runEngineWorker);
}

const ENGINE_WORKER_COMMAND = '__batch-engine-worker';

/**
 * Engine workers by default: the main thread then only finds line ends and writes (see enginePool.ts),
 * so the cores go to parsing, the model and serialising. More than a few replicas only add memory (each
 * loads the model) for a job whose reading and writing stay on one thread.
 */
const MAX_DEFAULT_WORKERS = 4;
function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_WORKERS));
}

export async function batchPredictCommand(modelDir: string, options: BatchPredictOptions): Promise<number> {
  const batchSize = positiveInt(options.batchSize, '--batch-size');
  const shards = options.shards === undefined ? undefined : positiveInt(options.shards, '--shards');
  const workers = options.workers === undefined ? defaultWorkers() : options.workers === '0' ? 0 : positiveInt(options.workers, '--workers');
  // Enough batches in flight to keep every worker busy while the main thread reads and writes: a worker
  // woken for each batch on a loaded machine may wait for a time slice, so each has a few queued.
  const concurrency =
    options.concurrency === undefined ? Math.max(4, 4 * workers) : Math.max(positiveInt(options.concurrency, '--concurrency'), 2 * workers);
  const reporter: BatchReporter = options.json ? new JsonBatchReporter() : process.stderr.isTTY ? new TerminalBatchReporter() : new PlainBatchReporter();

  // Ctrl-C once: finish the batches in flight, write and checkpoint them, exit 130. Twice: leave now
  // (the journal's last checkpoint still makes the folder resumable).
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
    reporter.log('stopping after the batches in flight (Ctrl-C again to quit at once)…');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const predictor =
    workers > 0 ? await startEnginePool(modelDir, workers, process.argv[1], [ENGINE_WORKER_COMMAND]) : inProcessPredictor(await loadModelFolder(modelDir));
  try {
    const result = await runBatchPrediction({
      predictor,
      modelDir,
      inputs: options.input,
      baseDir: process.cwd(),
      outputDir: options.output,
      batchSize,
      shards,
      concurrency,
      signal: controller.signal,
      onEvent: (e) => reporter.event(e),
    });
    reporter.result(result);
    return result.status === 'cancelled' ? EXIT.interrupted : EXIT.ok;
  } catch (err) {
    if (err instanceof BatchPredictionJobError) throw new CliError(err.message, EXIT.usage);
    throw err;
  } finally {
    reporter.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await predictor.close();
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} expects a positive integer, got '${text}'`, EXIT.usage);
  return n;
}
