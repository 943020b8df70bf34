/**
 * The runs and studies this window's runtime is working on, and their live events. Commands start work
 * and feed the tracker (the handlers it hands out go straight to RuntimeClient.train/tune); panels, trees
 * and the status bar listen. Nothing here talks to the runtime itself, so every view sees the same
 * events in the same order, whoever started the job.
 */
import * as vscode from 'vscode';
import type {
  LogParams,
  RunEpochParams,
  RunProgressParams,
  RunStartedParams,
  StudyMeasurementParams,
  StudyStateParams,
  StudySuggestionParams,
  TrainResult,
  TrialStateParams,
  TuneResult,
} from '../../protocol/runtimeProtocol';
import type { TrainHandlers, TuneHandlers } from '../../runtime-client/runtimeClient';

export type RunEvent =
  | { type: 'started'; params: RunStartedParams }
  | { type: 'progress'; params: RunProgressParams }
  | { type: 'epoch'; params: RunEpochParams }
  | { type: 'log'; params: LogParams }
  /** The run ended: its result, or the error that ended the request (runtime crash, bad spec). */
  | { type: 'ended'; result?: TrainResult; error?: string };

export type StudyEvent =
  | { type: 'state'; params: StudyStateParams }
  | { type: 'suggestion'; params: StudySuggestionParams }
  | { type: 'trialState'; params: TrialStateParams }
  | { type: 'measurement'; params: StudyMeasurementParams }
  | { type: 'ended'; result?: TuneResult; error?: string };

export interface TrackedJob {
  kind: 'run' | 'study';
  /** runId or studyId. */
  id: string;
  /** What the user would call it: the spec's name, or the study's. */
  label: string;
  workspace: string;
  specFile?: string;
  /** Known once the runtime has said where (run/started, study/state). */
  dir?: string;
  startedAt: number;
}

export class JobTracker implements vscode.Disposable {
  private readonly jobs = new Map<string, TrackedJob>();
  private readonly runListeners = new Map<string, Set<(e: RunEvent) => void>>();
  private readonly studyListeners = new Map<string, Set<(e: StudyEvent) => void>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a job starts, learns its folder, or ends (status bar, trees). */
  readonly onDidChange = this.changed.event;

  /** Jobs in progress, oldest first. */
  running(): TrackedJob[] {
    return [...this.jobs.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  get(kind: 'run' | 'study', id: string): TrackedJob | undefined {
    return this.jobs.get(key(kind, id));
  }

  isLive(kind: 'run' | 'study', id: string): boolean {
    return this.jobs.has(key(kind, id));
  }

  /** Starts tracking a run; pass the handlers to RuntimeClient.train and call `end` when its promise settles. */
  trackRun(job: Omit<TrackedJob, 'kind' | 'startedAt'>): { handlers: TrainHandlers; end(result?: TrainResult, error?: string): void } {
    const tracked: TrackedJob = { ...job, kind: 'run', startedAt: Date.now() };
    this.jobs.set(key('run', job.id), tracked);
    this.changed.fire();
    const emit = (e: RunEvent) => emitTo(this.runListeners.get(job.id), e);
    return {
      handlers: {
        onStarted: (params) => {
          tracked.dir = params.runDir;
          emit({ type: 'started', params });
          this.changed.fire();
        },
        onProgress: (params) => emit({ type: 'progress', params }),
        onEpoch: (params) => emit({ type: 'epoch', params }),
        onLog: (params) => emit({ type: 'log', params }),
      },
      end: (result, error) => {
        this.jobs.delete(key('run', job.id));
        emit({ type: 'ended', result, error });
        this.changed.fire();
      },
    };
  }

  /** Starts tracking a study; pass the handlers to RuntimeClient.tune and call `end` when its promise settles. */
  trackStudy(job: Omit<TrackedJob, 'kind' | 'startedAt'>): { handlers: TuneHandlers; end(result?: TuneResult, error?: string): void } {
    const tracked: TrackedJob = { ...job, kind: 'study', startedAt: Date.now() };
    this.jobs.set(key('study', job.id), tracked);
    this.changed.fire();
    const emit = (e: StudyEvent) => emitTo(this.studyListeners.get(job.id), e);
    return {
      handlers: {
        onState: (params) => {
          const learned = tracked.dir === undefined;
          tracked.dir = params.studyDir;
          tracked.label = params.name || tracked.label;
          emit({ type: 'state', params });
          if (learned) this.changed.fire();
        },
        onSuggestion: (params) => emit({ type: 'suggestion', params }),
        onTrialState: (params) => emit({ type: 'trialState', params }),
        onMeasurement: (params) => emit({ type: 'measurement', params }),
      },
      end: (result, error) => {
        this.jobs.delete(key('study', job.id));
        emit({ type: 'ended', result, error });
        this.changed.fire();
      },
    };
  }

  onRunEvent(runId: string, listener: (e: RunEvent) => void): vscode.Disposable {
    return subscribe(this.runListeners, runId, listener);
  }

  onStudyEvent(studyId: string, listener: (e: StudyEvent) => void): vscode.Disposable {
    return subscribe(this.studyListeners, studyId, listener);
  }

  dispose(): void {
    this.changed.dispose();
    this.runListeners.clear();
    this.studyListeners.clear();
  }
}

function key(kind: 'run' | 'study', id: string): string {
  return `${kind}:${id}`;
}

function emitTo<E>(listeners: Set<(e: E) => void> | undefined, event: E): void {
  if (!listeners) return;
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (err) {
      // One broken view must not stop the others (or the runtime's notification loop).
      console.error('[model-lab] job listener failed:', err);
    }
  }
}

function subscribe<E>(map: Map<string, Set<(e: E) => void>>, id: string, listener: (e: E) => void): vscode.Disposable {
  let set = map.get(id);
  if (!set) map.set(id, (set = new Set()));
  set.add(listener);
  return new vscode.Disposable(() => {
    set.delete(listener);
    if (set.size === 0 && map.get(id) === set) map.delete(id);
  });
}
