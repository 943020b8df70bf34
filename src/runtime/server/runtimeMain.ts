/**
 * Entry point of the runtime child process: serves the runtime protocol over the IPC channel to its
 * parent. Training requests run one at a time (they share one TensorFlow.js engine and backend);
 * a request that arrives meanwhile waits its turn and can be cancelled while it waits.
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError } from 'vscode-jsonrpc/node';
import {
  CancelRequest,
  InitializeRequest,
  MachineReportRequest,
  LogNotification,
  PredictRequest,
  PROTOCOL_VERSION,
  RunEpochNotification,
  RunProgressNotification,
  RunStartedNotification,
  RuntimeErrorCode,
  ShutdownRequest,
  TrainRequest,
  type TrainResult,
} from '../../protocol/runtimeProtocol';
import { failedRunResult, trainJob } from '../train/trainJob';
import { SpecError } from '../spec/specError';
import { DataError } from '../data/dataError';
import { predictWithBundle } from '../predict/bundleCache';
import { newRunId } from '../runs/runFolder';
import { RUNTIME_VERSION } from '../version';
import { machineReport } from '../backend/machineReport';
import { registerStudyHandlers } from './studyHandlers';

if (!process.send) {
  console.error('model-lab runtime: this is the runtime child process; start it with child_process.fork (or use the model-lab CLI).');
  process.exit(2);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const running = new Map<string, AbortController>();
let queue: Promise<unknown> = Promise.resolve();

function serialize<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

function toResponseError(err: unknown): ResponseError<unknown> {
  if (err instanceof SpecError) return new ResponseError(RuntimeErrorCode.SpecInvalid, err.message, { problems: err.problems });
  if (err instanceof DataError) return new ResponseError(RuntimeErrorCode.DataInvalid, err.message, {});
  const message = err instanceof Error ? err.message : String(err);
  return new ResponseError(RuntimeErrorCode.Internal, message, {});
}

connection.onRequest(InitializeRequest, () => ({
  protocolVersion: PROTOCOL_VERSION,
  runtimeVersion: RUNTIME_VERSION,
  pid: process.pid,
  node: process.version,
  electron: Boolean(process.versions.electron),
}));

connection.onRequest(TrainRequest, async (params, token): Promise<TrainResult> => {
  const runId = params.runId ?? newRunId('run');
  const abort = new AbortController();
  running.set(runId, abort);
  token.onCancellationRequested(() => abort.abort());
  try {
    return await serialize(async () => {
      try {
        return await trainJob(
          { ...params, runId, signal: abort.signal },
          {
            onRunStarted: (p) => void connection.sendNotification(RunStartedNotification, p),
            onProgress: (p) => void connection.sendNotification(RunProgressNotification, p),
            onEpoch: (p) => void connection.sendNotification(RunEpochNotification, p),
            onLog: (level, message, id) => void connection.sendNotification(LogNotification, { level, message, runId: id }),
          },
        );
      } catch (err) {
        // A run that started and then failed is an answer, not a protocol error: its folder says why.
        const failed = failedRunResult(err);
        if (failed) return failed;
        throw toResponseError(err);
      }
    });
  } finally {
    running.delete(runId);
  }
});

connection.onRequest(CancelRequest, ({ runId }) => {
  const abort = running.get(runId);
  abort?.abort();
  return { cancelled: abort !== undefined };
});

connection.onRequest(PredictRequest, async ({ modelDir, instances }) => {
  try {
    return { predictions: await predictWithBundle(modelDir, instances) };
  } catch (err) {
    throw new ResponseError(RuntimeErrorCode.PredictInvalid, err instanceof Error ? err.message : String(err), {});
  }
});

// Queued with training: the report tries each backend in turn, which must not happen under a run.
connection.onRequest(MachineReportRequest, () => serialize(async () => ({ ...(await machineReport()) })));

connection.onRequest(ShutdownRequest, () => {
  for (const abort of running.values()) abort.abort();
  setImmediate(() => process.exit(0));
});

registerStudyHandlers(connection, { runtimePath: __filename });

// The parent going away (window closed, extension host crashed) must not leave this process behind.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (err) => {
  void connection.sendNotification(LogNotification, { level: 'error', message: `runtime: uncaught ${err.stack ?? err.message}` });
});
process.on('unhandledRejection', (reason) => {
  void connection.sendNotification(LogNotification, { level: 'error', message: `runtime: unhandled rejection ${String(reason)}` });
});

connection.listen();
