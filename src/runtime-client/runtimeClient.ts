/**
 * The client side of the runtime protocol: starts the runtime child process, sends typed requests,
 * routes notifications, and turns a crash of the child into a clear error and a run marked failed
 * (never left "running"). Plain Node: the extension host and the tests use it alike.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createMessageConnection, ErrorCodes, IPCMessageReader, IPCMessageWriter, type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import {
  CancelRequest,
  InitializeRequest,
  type InitializeResult,
  LogNotification,
  type LogParams,
  MachineReportRequest,
  type MachineReportResult,
  PredictRequest,
  type PredictResult,
  RunEpochNotification,
  type RunEpochParams,
  RunProgressNotification,
  type RunProgressParams,
  RunStartedNotification,
  type RunStartedParams,
  ShutdownRequest,
  StopStudyRequest,
  StopTrialRequest,
  StudyMeasurementNotification,
  type StudyMeasurementParams,
  StudyStateNotification,
  type StudyStateParams,
  StudySuggestionNotification,
  type StudySuggestionParams,
  StudyTrialStateNotification,
  type TrialStateParams,
  TuneRequest,
  type TuneParams,
  type TuneResult,
  TrainRequest,
  type TrainParams,
  type TrainResult,
} from '../protocol/runtimeProtocol';
import { markRunFailed } from '../runtime/runs/runRecord';

export interface RuntimeClientOptions {
  /** The runtime bundle (`dist/runtime.js`). */
  runtimePath: string;
  /** The Node binary to run it with. Default: this process's (Electron run as Node inside VS Code). */
  execPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the child's stderr goes (it holds only what escaped the protocol's log notifications). */
  onStderr?(text: string): void;
}

/** How the runtime child ended. */
export interface RuntimeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when `dispose` asked it to stop. */
  requested: boolean;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  error?: Error;
}

export interface TrainHandlers {
  onStarted?(p: RunStartedParams): void;
  onProgress?(p: RunProgressParams): void;
  onEpoch?(p: RunEpochParams): void;
  onLog?(p: LogParams): void;
}

export interface TuneHandlers {
  onState?(p: StudyStateParams): void;
  onSuggestion?(p: StudySuggestionParams): void;
  onTrialState?(p: TrialStateParams): void;
  onMeasurement?(p: StudyMeasurementParams): void;
}

/** The runtime process ended while a request was in flight. */
export class RuntimeExitedError extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    during: string,
  ) {
    super(`the Model Lab runtime exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}) during ${during}`);
    this.name = 'RuntimeExitedError';
  }
}

export class RuntimeClient {
  private readonly handlers = new Map<string, TrainHandlers>();
  private readonly studyHandlers = new Map<string, TuneHandlers>();
  private readonly runDirs = new Map<string, string>();
  private readonly logListeners = new Set<(p: LogParams) => void>();
  private readonly exitListeners = new Set<(exit: RuntimeExit) => void>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
  /** What the runtime said about itself when it started (its Node, pid, version). */
  info: InitializeResult | undefined;
  private readonly exited: Promise<void>;
  private stopping = false;

  private constructor(
    readonly child: ChildProcess,
    private readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, error };
        this.failOpenRuns(code, signal);
        connection.dispose();
        const exit: RuntimeExit = { code, signal, requested: this.stopping, error };
        for (const listener of [...this.exitListeners]) listener(exit);
        resolve();
      };
      child.once('exit', (code, signal) => ended(code, signal));
      // A binary that cannot be started (a wrong modelLab.runtime.nodePath) emits 'error' and never 'exit';
      // unhandled, that 'error' would take the whole host process down.
      child.on('error', (err) => {
        if (child.pid === undefined) ended(null, null, err);
      });
    });
    connection.onNotification(RunStartedNotification, (p) => {
      this.runDirs.set(p.runId, p.runDir);
      this.handlers.get(p.runId)?.onStarted?.(p);
    });
    connection.onNotification(RunProgressNotification, (p) => this.handlers.get(p.runId)?.onProgress?.(p));
    connection.onNotification(RunEpochNotification, (p) => this.handlers.get(p.runId)?.onEpoch?.(p));
    connection.onNotification(StudyStateNotification, (p) => this.studyHandlers.get(p.studyId)?.onState?.(p));
    connection.onNotification(StudySuggestionNotification, (p) => this.studyHandlers.get(p.studyId)?.onSuggestion?.(p));
    connection.onNotification(StudyTrialStateNotification, (p) => this.studyHandlers.get(p.studyId)?.onTrialState?.(p));
    connection.onNotification(StudyMeasurementNotification, (p) => this.studyHandlers.get(p.studyId)?.onMeasurement?.(p));
    connection.onNotification(LogNotification, (p) => {
      if (p.runId) this.handlers.get(p.runId)?.onLog?.(p);
      for (const listener of this.logListeners) listener(p);
    });
  }

  static async start(options: RuntimeClientOptions): Promise<RuntimeClient> {
    const child = fork(options.runtimePath, [], {
      execPath: options.execPath,
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => options.onStderr?.(text));
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    const client = new RuntimeClient(child, connection);
    try {
      client.info = await client.initialize();
    } catch (err) {
      // A runtime that cannot answer `initialize` is of no use: never leave it running.
      await client.dispose(500);
      throw err;
    }
    return client;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.exitInfo === undefined;
  }

  onLog(listener: (p: LogParams) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /**
   * Called once when the child process ends, with whether `dispose` asked it to (anything else is a
   * crash: a kill, an out-of-memory abort, a native module's segfault).
   */
  onExit(listener: (exit: RuntimeExit) => void): () => void {
    if (this.exitInfo) {
      const exit: RuntimeExit = { ...this.exitInfo, requested: this.stopping };
      queueMicrotask(() => listener(exit));
      return () => undefined;
    }
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  initialize(): Promise<InitializeResult> {
    return this.request('starting the runtime', () => this.connection.sendRequest(InitializeRequest));
  }

  /** Trains a job. Resolves with the run's result (failed runs included); rejects for an invalid spec or a crash. */
  async train(params: TrainParams, handlers: TrainHandlers = {}): Promise<TrainResult> {
    const runId = params.runId ?? `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    this.handlers.set(runId, handlers);
    try {
      return await this.request(`run ${runId}`, () => this.connection.sendRequest(TrainRequest, { ...params, runId }));
    } finally {
      this.handlers.delete(runId);
      this.runDirs.delete(runId);
    }
  }

  /** Runs (or resumes) a HyperTune study; its trials run in worker processes the runtime starts. */
  async tune(params: TuneParams, handlers: TuneHandlers = {}): Promise<TuneResult> {
    const studyId = params.studyId ?? params.resumeStudyId ?? `study-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    this.studyHandlers.set(studyId, handlers);
    try {
      return await this.request(`study ${studyId}`, () => this.connection.sendRequest(TuneRequest, { ...params, studyId }));
    } finally {
      this.studyHandlers.delete(studyId);
    }
  }

  async stopTrial(studyId: string, trialId: string): Promise<boolean> {
    return (await this.request('stopTrial', () => this.connection.sendRequest(StopTrialRequest, { studyId, trialId }))).stopped;
  }

  async stopStudy(studyId: string): Promise<boolean> {
    return (await this.request('stopStudy', () => this.connection.sendRequest(StopStudyRequest, { studyId }))).stopped;
  }

  /** The machine report of `model-lab doctor`, from the runtime's point of view (its Node, its backends). */
  machineReport(): Promise<MachineReportResult> {
    return this.request('machineReport', () => this.connection.sendRequest(MachineReportRequest));
  }

  async cancel(runId: string): Promise<boolean> {
    return (await this.request('cancel', () => this.connection.sendRequest(CancelRequest, { runId }))).cancelled;
  }

  predict(modelDir: string, instances: Record<string, unknown>[]): Promise<PredictResult> {
    return this.request('predict', () => this.connection.sendRequest(PredictRequest, { modelDir, instances }));
  }

  /** Asks the runtime to stop, and kills it if it has not within the grace period. Never leaves it behind. */
  async dispose(graceMs = 2000): Promise<void> {
    if (!this.isRunning) return;
    this.stopping = true;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest).catch(() => undefined), this.exited]);
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private async request<T>(during: string, send: () => Promise<T>): Promise<T> {
    if (this.exitInfo) throw this.exitError(during);
    const exited = this.exited.then(() => {
      throw this.exitError(during);
    });
    try {
      return await Promise.race([send(), exited]);
    } catch (err) {
      // A request rejected because the connection closed is really a crash (the IPC channel closes just
      // before the exit event): wait briefly for the exit, to say so with its code or signal.
      const closed = err instanceof ResponseError && err.code === ErrorCodes.PendingResponseRejected;
      if (closed || !(err instanceof ResponseError)) {
        if (this.isRunning) await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
        if (this.exitInfo) throw this.exitError(during);
      }
      if (err instanceof ResponseError) throw Object.assign(new Error(err.message), { code: err.code, data: err.data });
      throw err;
    }
  }

  private exitError(during: string): Error {
    const exit = this.exitInfo ?? { code: null, signal: null };
    if (exit.error) return new Error(`the Model Lab runtime could not be started with ${this.child.spawnfile}: ${exit.error.message}`);
    return new RuntimeExitedError(exit.code, exit.signal, during);
  }

  private failOpenRuns(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping && code === 0) return;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    for (const [runId, runDir] of this.runDirs) {
      markRunFailed(runDir, `the runtime process exited unexpectedly (${how}) during run ${runId}`);
    }
  }
}
