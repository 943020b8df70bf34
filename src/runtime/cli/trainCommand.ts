import type { BackendRequest, TrainResult } from '../../protocol/runtimeProtocol';
import { isBackendRequest } from '../backend/selectBackend';
import { failedRunResult, trainJob } from '../train/trainJob';
import { parseHyperparameterArgs } from './cliArgs';
import { JsonReporter, PlainReporter, TerminalReporter, type TrainReporter } from './reporters';
import { CliError, EXIT } from './exitCodes';

export interface TrainOptions {
  set: string[];
  param: string[];
  backend: string;
  workspace?: string;
  json?: boolean;
  verbose?: boolean;
}

function chooseReporter(options: TrainOptions): TrainReporter {
  if (options.json) return new JsonReporter();
  return process.stderr.isTTY ? new TerminalReporter(options.verbose) : new PlainReporter(options.verbose);
}

export async function trainCommand(specFile: string, options: TrainOptions): Promise<number> {
  if (!isBackendRequest(options.backend)) {
    throw new CliError(`unknown backend '${options.backend}' (auto, tensorflow-gpu, tensorflow, wasm, cpu)`, EXIT.usage);
  }
  const reporter = chooseReporter(options);
  const abort = new AbortController();
  // First Ctrl-C stops the run cleanly (the run folder says "cancelled"); a second one leaves at once.
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    reporter.log('warn', 'cancelling… (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result: TrainResult = await trainJob(
      {
        specFile,
        workspace: options.workspace,
        overrides: options.set,
        hyperparameters: parseHyperparameterArgs(options.param),
        backend: options.backend as BackendRequest,
        signal: abort.signal,
      },
      {
        onRunStarted: (p) => reporter.started(p),
        onProgress: (p) => reporter.progress(p),
        onEpoch: (p) => reporter.epoch(p),
        onLog: (level, message) => reporter.log(level, message),
      },
    );
    reporter.result(result);
    return result.status === 'succeeded' ? EXIT.ok : EXIT.interrupted;
  } catch (err) {
    const failed = failedRunResult(err);
    if (failed && options.json) reporter.result(failed);
    throw err;
  } finally {
    reporter.close();
    process.off('SIGINT', onSigint);
  }
}
