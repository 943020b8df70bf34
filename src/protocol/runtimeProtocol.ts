/**
 * The runtime protocol: JSON-RPC over the IPC channel between the extension host (or a test, or any
 * other client) and the runtime child process. This one file is the contract both sides import.
 *
 * Requests answer with a result or a JSON-RPC error whose `data` is a {@link RuntimeErrorData}.
 * Notifications carry progress; every one names the run it is about.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';

export const PROTOCOL_VERSION = 1;

export type BackendRequest = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendReport {
  name: string;
  device: string;
  requested: string;
  notChosen: Record<string, string>;
  tfjsVersion: string;
}

// ── initialize ───────────────────────────────────────────────────────────────
export interface InitializeResult {
  protocolVersion: number;
  runtimeVersion: string;
  pid: number;
  node: string;
  /** True when running as Electron's Node (inside VS Code). */
  electron: boolean;
}
export const InitializeRequest = new RequestType0<InitializeResult, void>('initialize');

// ── train ────────────────────────────────────────────────────────────────────
export interface TrainParams {
  specFile: string;
  /** A run id chosen by the client (letters, digits, `-`, `_`), so it can match notifications before the answer. */
  runId?: string;
  /** Folder that holds `.modellab/` (default: the spec's folder). */
  workspace?: string;
  /** `key.path=value` overrides, as `--set` on the CLI. */
  overrides?: string[];
  /** Values for the spec's `{{name}}` placeholders; unset ones take their parameter's default. */
  hyperparameters?: Record<string, number | string>;
  backend?: BackendRequest;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrainResult {
  runId: string;
  runDir: string;
  status: Exclude<RunStatus, 'running'>;
  /** Metrics of the epoch whose weights the bundle holds. */
  metrics: Record<string, number>;
  epochsRun: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** The model folder, when one was written. */
  bundleDir?: string;
  backend?: BackendReport;
  error?: string;
}
export const TrainRequest = new RequestType<TrainParams, TrainResult, void>('train');

// ── cancel ───────────────────────────────────────────────────────────────────
export interface CancelParams {
  runId: string;
}
export interface CancelResult {
  /** False when no such run is in progress in this runtime. */
  cancelled: boolean;
}
export const CancelRequest = new RequestType<CancelParams, CancelResult, void>('cancel');

// ── predict ──────────────────────────────────────────────────────────────────
export interface PredictParams {
  modelDir: string;
  instances: Record<string, unknown>[];
}
export interface PredictResult {
  predictions: unknown[];
}
export const PredictRequest = new RequestType<PredictParams, PredictResult, void>('predict');

// ── shutdown ─────────────────────────────────────────────────────────────────
export const ShutdownRequest = new RequestType0<void, void>('shutdown');

// ── notifications (runtime → client) ─────────────────────────────────────────
export interface RunStartedParams {
  runId: string;
  runDir: string;
  specFile: string;
}
export const RunStartedNotification = new NotificationType<RunStartedParams>('run/started');

export type RunPhase = 'loading-data' | 'analyzing' | 'building-model' | 'training' | 'saving';

export interface RunProgressParams {
  runId: string;
  phase: RunPhase;
  message?: string;
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  /** Running mean of this epoch's training loss. */
  loss?: number;
}
export const RunProgressNotification = new NotificationType<RunProgressParams>('run/progress');

export interface RunEpochParams {
  runId: string;
  epoch: number;
  epochs: number;
  metrics: Record<string, number>;
  improved: boolean;
  elapsedSeconds: number;
}
export const RunEpochNotification = new NotificationType<RunEpochParams>('run/epoch');

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export interface LogParams {
  level: LogLevel;
  message: string;
  runId?: string;
}
export const LogNotification = new NotificationType<LogParams>('log');

// ── errors ───────────────────────────────────────────────────────────────────
export const RuntimeErrorCode = {
  /** The spec is invalid: `data.problems` says where. */
  SpecInvalid: -32001,
  /** The data could not be read or does not fit the spec. */
  DataInvalid: -32002,
  /** The model folder cannot be loaded or the instances do not fit it. */
  PredictInvalid: -32003,
  Internal: -32099,
} as const;

export interface RuntimeErrorData {
  problems?: { file: string; line: number; column: number; path: string; message: string; suggestion?: string }[];
  runId?: string;
}
