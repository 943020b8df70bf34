/**
 * The experiment panel's contract: every message between the extension host and the webview, in one
 * file both sides import (the webview bundle takes only types from here, so it stays browser code).
 *
 * Shape, after GitLens's webviews/protocol.ts: the host sends notifications (`HostMessage`); the webview
 * sends a `ready` handshake, fire-and-forget commands, and requests that the host answers with a
 * `response` carrying the same `id`. Request names and their params/results live in `PanelRequests`,
 * so a call site cannot send the wrong params or read the wrong result.
 *
 * Live data is incremental: after one `init` snapshot the host sends only upserts and appended points,
 * coalesced so that a panel gets at most one message per `PANEL_UPDATE_INTERVAL_MS`.
 */
import type { StudyJobState } from './runtimeProtocol';

/** The host coalesces live updates per panel into one message per this many milliseconds (target: ≤ 200 ms end to end). */
export const PANEL_UPDATE_INTERVAL_MS = 50;

/** The webview panel type (also `onWebviewPanel:` activation and the serializer's key). */
export const EXPERIMENT_PANEL_VIEW_TYPE = 'modelLab.experiment';

// ── what a panel shows ───────────────────────────────────────────────────────
/** Saved in the webview's state, so the serializer can reopen the same panel after a reload. */
export type PanelTarget =
  | { kind: 'study'; workspace: string; studyId: string }
  | { kind: 'run'; workspace: string; runId: string; runDir: string };

// ── studies ──────────────────────────────────────────────────────────────────
export type ParamType = 'DOUBLE' | 'INTEGER' | 'CATEGORICAL' | 'DISCRETE';
export type ParamScale = 'UNIT_LINEAR_SCALE' | 'UNIT_LOG_SCALE' | 'UNIT_REVERSE_LOG_SCALE';

export interface ParamInfo {
  name: string;
  type: ParamType;
  min?: number;
  max?: number;
  /** CATEGORICAL: the categories; DISCRETE: the allowed numbers. */
  values?: (string | number)[];
  scale?: ParamScale;
}

export interface StudyHeader {
  studyId: string;
  studyDir: string;
  name: string;
  state: StudyJobState;
  /** RUNNING in its files but no process runs it: it can be resumed. */
  interrupted: boolean;
  algorithm: string;
  goal: 'MAXIMIZE' | 'MINIMIZE';
  metricTag: string;
  maxTrials: number;
  parallel: number;
  params: ParamInfo[];
  best?: { trialId: string; objective: number };
  createdAt: string;
  endedAt?: string;
  message?: string;
}

export type TrialRowState = 'queued' | 'running' | 'completed' | 'stopped' | 'failed';

export interface TrialRow {
  /** '1', '2', … as Cloud ML Engine numbers them. */
  trialId: string;
  state: TrialRowState;
  parameters: Record<string, number | string>;
  /** The final objective (completed and stopped trials). */
  objective?: number;
  /** Last reported objective while running, with its step. */
  lastValue?: number;
  step?: number;
  /** Stopped by the automated early stopping (not by a user). */
  stoppedEarly: boolean;
  runId: string;
  startTime?: string;
  endTime?: string;
  durationSeconds?: number;
  error?: string;
}

export interface StudySnapshot {
  kind: 'study';
  header: StudyHeader;
  trials: TrialRow[];
  /** True when this window's runtime runs the study (stop/stop-trial work). */
  live: boolean;
}

// ── runs ─────────────────────────────────────────────────────────────────────
export type RunState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface EpochPoint {
  step: number;
  metrics: Record<string, number>;
}

export interface RunHeader {
  runId: string;
  runDir: string;
  name: string;
  specFile?: string;
  state: RunState;
  startedAt?: string;
  endedAt?: string;
  epochs?: number;
  epochsRun?: number;
  bestEpoch?: number;
  stoppedEarly?: boolean;
  hyperparameters: Record<string, number | string>;
  backend?: { name: string; device: string };
  /** The bundle's signature when the run wrote one: raw inputs and outputs. */
  signature?: { inputs: { name: string; type: string }[]; outputs: string[]; labels?: string[] };
  bundleDir?: string;
  error?: string;
}

export interface RunProgress {
  phase: string;
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  loss?: number;
  message?: string;
}

export interface RunSnapshot {
  kind: 'run';
  header: RunHeader;
  points: EpochPoint[];
  progress?: RunProgress;
  /** The last lines of the run's log. */
  logTail: string[];
  live: boolean;
}

export type PanelSnapshot = StudySnapshot | RunSnapshot;

/** Points of one run's metric history (a trial's run in a study). */
export interface CurveSeries {
  runId: string;
  trialId?: string;
  points: EpochPoint[];
}

// ── host → webview ───────────────────────────────────────────────────────────
export type HostMessage =
  | { type: 'init'; target: PanelTarget; snapshot: PanelSnapshot }
  /**
   * Study changes since the last message: a new header and/or trials to insert or replace (by trialId);
   * `live` when it changed (this window started or stopped running the study: stop actions follow it).
   */
  | { type: 'study/update'; header?: StudyHeader; trials?: TrialRow[]; live?: boolean }
  /** New points for curves the webview subscribed to (see `setCurveSubscription`). */
  | { type: 'curves/append'; series: CurveSeries[] }
  /** Run changes since the last message; `live` as in `study/update`. */
  | { type: 'run/update'; header?: RunHeader; points?: EpochPoint[]; progress?: RunProgress; log?: string[]; live?: boolean }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

// ── webview → host ───────────────────────────────────────────────────────────
/** Requests the webview sends and the host answers. */
export interface PanelRequests {
  /** Full histories of these runs (a study's selected trials). */
  curves: { params: { runIds: string[] }; result: CurveSeries[] };
  stopTrial: { params: { trialId: string }; result: { stopped: boolean } };
  stopStudy: { params: Record<string, never>; result: { stopped: boolean } };
  stopRun: { params: Record<string, never>; result: { stopped: boolean } };
  /** Reveals a run's folder (a trial's, or the panel's run) in the Explorer / OS. */
  openRunFolder: { params: { runId: string }; result: { opened: boolean } };
  /** Registers the run's bundle as a new version of a registry model (the host asks for the model name). */
  registerModel: { params: { runId: string }; result: { model?: string; version?: string } };
  /** Serves the run's bundle on a local endpoint. */
  serveModel: { params: { runId: string }; result: { url?: string } };
  /** Saves an exported chart or table through a save dialog (webviews cannot download). */
  saveExport: {
    params: { suggestedName: string; data: string; encoding: 'utf8' | 'base64' };
    result: { saved: boolean; path?: string };
  };
}
export type PanelRequestName = keyof PanelRequests;

export type WebviewMessage =
  /** Sent once the webview listens; the host answers with `init`. */
  | { type: 'ready'; target?: PanelTarget }
  /** Replaces the set of runs whose new points the host streams as `curves/append`. */
  | { type: 'setCurveSubscription'; runIds: string[] }
  | { [N in PanelRequestName]: { type: 'request'; id: number; method: N; params: PanelRequests[N]['params'] } }[PanelRequestName];

/** The webview's persisted state (`vscode.getState()`): the target, for the serializer, plus UI choices. */
export interface PanelState {
  target: PanelTarget;
  ui?: Record<string, unknown>;
}
