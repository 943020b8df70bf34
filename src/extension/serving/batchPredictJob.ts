/**
 * One `model-lab batch-predict … --json` child: its JSON-lines events turned into progress, its result
 * object into a summary; cancellable (SIGTERM: the CLI finishes the batches in flight, checkpoints, and
 * exits 130 with a resumable output folder). vscode-free.
 */
import { type CliLaunch, onLines, spawnCli } from './cliProcess';

export interface BatchPredictRequest {
  modelDir: string;
  /** Files or globs of JSON Lines / CSV. */
  inputs: string[];
  outputDir: string;
}

export interface BatchProgress {
  predicted: number;
  failed: number;
}

export interface BatchSummary {
  status: 'succeeded' | 'cancelled' | 'already-complete';
  predicted: number;
  failed: number;
  elapsedSeconds: number;
  outputDir: string;
  files: string[];
  stoppedAfter?: string;
}

export interface BatchJob {
  /** The summary; rejects with the CLI's own message when the job failed. */
  done: Promise<BatchSummary>;
  cancel(): void;
}

export function batchPredictArgs(request: BatchPredictRequest): string[] {
  return ['batch-predict', request.modelDir, ...request.inputs.flatMap((i) => ['--input', i]), '--output', request.outputDir, '--json'];
}

export function startBatchPredict(launch: CliLaunch, request: BatchPredictRequest, hooks: { onProgress?(p: BatchProgress): void; onOutput?(line: string): void } = {}): BatchJob {
  const proc = spawnCli(launch, batchPredictArgs(request));
  let summary: BatchSummary | undefined;
  const errors: string[] = [];
  onLines(proc.child.stdout, (line) => {
    hooks.onOutput?.(line);
    let event: { type?: string; predicted?: number; failed?: number; rows?: number } & Partial<BatchSummary>;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (event.type === 'progress') hooks.onProgress?.({ predicted: event.predicted ?? 0, failed: event.failed ?? 0 });
    else if (event.type === 'started') hooks.onProgress?.({ predicted: event.rows ?? 0, failed: 0 });
    else if (event.type === 'result') summary = event as BatchSummary;
  });
  onLines(proc.child.stderr, (line) => {
    hooks.onOutput?.(line);
    errors.push(line);
    if (errors.length > 20) errors.shift();
  });
  const done = proc.exited.then((code) => {
    if (summary) return summary;
    throw new Error(`model-lab batch-predict exited (${code}): ${errors.join('\n') || 'no output'}`);
  });
  return {
    done,
    // Generous grace: the CLI checkpoints what is in flight before it exits.
    cancel: () => void proc.stop(30_000),
  };
}
