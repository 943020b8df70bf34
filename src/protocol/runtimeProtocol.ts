/**
 * The runtime protocol: JSON-RPC over the IPC channel between the extension host (or a test, or any
 * other client) and the runtime child process. This one file is the contract both sides import.
 *
 * Requests answer with a result or a JSON-RPC error whose `data` is a {@link RuntimeErrorData}.
 * Notifications carry progress; every one names the run it is about.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';

export const PROTOCOL_VERSION = 1;

export type BackendRequest = 'auto' | 'webgpu' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

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
// RuntimeErrorCode and RuntimeErrorData live in ./runtimeErrors (no vscode-jsonrpc: the extension reads them at once).
export { RuntimeErrorCode, type RuntimeErrorData } from './runtimeErrors';

// ══ HyperTune studies ═══════════════════════════════════════════════════════
// A study runs in the runtime process; its trials run in worker processes the runtime spawns (one
// runtime child per parallel slot, reused across trials) or as Python processes. Every notification
// names its study; trial notifications name the trial ('1', '2', … as Cloud ML Engine numbers them).

/** Trial states as the study machinery reports them (see src/runtime/tune/algorithm.ts). */
export type TrialPhase = 'created' | 'active' | 'completed' | 'stopped' | 'failed';

export type StudyJobState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** One trial in Cloud ML Engine's `HyperparameterOutput` shape, plus our `runId`, `durationSeconds`, `error`. */
export interface HyperparameterTrialOutput {
  trialId: string;
  /** Every value a string, as the service returns them. */
  hyperparameters: Record<string, string>;
  /** `trainingStep` is an int64, so a string. */
  finalMetric?: { trainingStep: string; objectiveValue: number };
  isTrialStoppedEarly: boolean;
  startTime?: string;
  endTime?: string;
  /** Cloud's Job state: an early-stopped trial SUCCEEDED; QUEUED/RUNNING only while the study runs. */
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  runId: string;
  durationSeconds?: number;
  error?: string;
}

/** Cloud ML Engine's `trainingOutput` of a hyperparameter tuning job. */
export interface TrainingOutput {
  /** int64 as a string. */
  completedTrialCount: string;
  /** Best first by the goal. */
  trials: HyperparameterTrialOutput[];
  isHyperparameterTuningJob: true;
  hyperparameterMetricTag: string;
}

export interface TuneParams {
  /** A job spec with `hyperparameters`, or a Cloud `Job` config (`trainingInput`) for a Python trainer. */
  specFile?: string;
  /** Continue this study (from `.modellab/studies/<id>/`); `specFile` may then be left out. */
  resumeStudyId?: string;
  /** A study id chosen by the client, so it can match notifications before the answer. */
  studyId?: string;
  workspace?: string;
  overrides?: string[];
  /** Overrides `maxParallelTrials`. */
  parallel?: number;
  /** A trial running longer is stopped and FAILED. */
  trialTimeoutSeconds?: number;
  /** Seed of the search algorithm (default: random, recorded in study.json). */
  seed?: number;
  backend?: BackendRequest;
  /** Python for trainer packages (default: MODELLAB_PYTHON, else python3). */
  python?: string;
}
export interface TuneResult {
  studyId: string;
  studyDir: string;
  state: Exclude<StudyJobState, 'RUNNING'>;
  message?: string;
  trainingOutput: TrainingOutput;
}
export const TuneRequest = new RequestType<TuneParams, TuneResult, void>('tune');

export interface StopTrialParams {
  studyId: string;
  trialId: string;
}
/** Stops one running trial; it ends STOPPED with the metrics and bundle it has (not counted as stopped early). */
export const StopTrialRequest = new RequestType<StopTrialParams, { stopped: boolean }, void>('stopTrial');

export interface StopStudyParams {
  studyId: string;
}
/** Stops a study cleanly: running trials are cancelled and re-queued, the study is CANCELLED and resumable. */
export const StopStudyRequest = new RequestType<StopStudyParams, { stopped: boolean }, void>('stopStudy');

export interface ListStudiesParams {
  workspace: string;
}
export interface StudySummary {
  studyId: string;
  name: string;
  state: StudyJobState;
  /** RUNNING in its files, but its process is gone: resume it. */
  interrupted: boolean;
  algorithm: string;
  goal: string;
  hyperparameterMetricTag: string;
  maxTrials: number;
  counts: { completed: number; stopped: number; failed: number; active: number };
  best?: { trialId: string; objective: number };
  createdAt: string;
  endedAt?: string;
}
export const ListStudiesRequest = new RequestType<ListStudiesParams, { studies: StudySummary[] }, void>('studies');

export interface GetStudyParams {
  workspace: string;
  studyId: string;
}
export const GetStudyRequest = new RequestType<GetStudyParams, { study: StudySummary; trainingOutput: TrainingOutput }, void>('study');

// ── study notifications (runtime → client) ──
export interface StudyStateParams {
  studyId: string;
  studyDir: string;
  name: string;
  state: StudyJobState;
  algorithm: string;
  goal: string;
  hyperparameterMetricTag: string;
  maxTrials: number;
  parallel: number;
  resumed: boolean;
  message?: string;
}
export const StudyStateNotification = new NotificationType<StudyStateParams>('study/state');

export interface StudySuggestionParams {
  studyId: string;
  algorithm: string;
  /** The trials created for these suggestions, in order. */
  trials: { trialId: string; parameters: Record<string, number | string> }[];
  /** Milliseconds the algorithm took. */
  elapsedMs: number;
}
export const StudySuggestionNotification = new NotificationType<StudySuggestionParams>('study/suggestion');

export interface TrialStateParams {
  studyId: string;
  trialId: string;
  state: TrialPhase;
  parameters: Record<string, number | string>;
  runId: string;
  /** For completed and stopped trials. */
  finalMetric?: { trainingStep: number; objectiveValue: number };
  isTrialStoppedEarly: boolean;
  /** Why it failed or was stopped. */
  message?: string;
  /** The best trial so far (after this change). */
  best?: { trialId: string; objective: number };
}
export const StudyTrialStateNotification = new NotificationType<TrialStateParams>('study/trialState');

export interface StudyMeasurementParams {
  studyId: string;
  trialId: string;
  runId: string;
  /** The hyperparameterMetricTag. */
  tag: string;
  step: number;
  value: number;
  /** Every metric of the epoch, for spec-defined models. */
  metrics?: Record<string, number>;
}
export const StudyMeasurementNotification = new NotificationType<StudyMeasurementParams>('study/measurement');
// ══ end of HyperTune studies ════════════════════════════════════════════════

// ── machine report (model-lab doctor) ───────────────────────────────────────
/**
 * The `model-lab doctor --json` report (schema `modellab.machine-report/1`): backends and why not, GPU
 * adapters, Vulkan drivers, CUDA libraries, Node/Electron, CPU, memory. Typed loosely here so the
 * contract does not depend on the runtime's modules; `schema` names the shape.
 */
export interface MachineReportResult {
  schema: string;
  [field: string]: unknown;
}
export const MachineReportRequest = new RequestType0<MachineReportResult, void>('machineReport');
