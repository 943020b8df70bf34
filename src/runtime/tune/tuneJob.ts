/**
 * A HyperTune study, end to end: load the spec, create (or resume) the study folder, ask the algorithm
 * for suggestions as slots free up, run each trial (a run in a warm worker, or a Python process), turn
 * the hyperparameterMetricTag's values into measurements, stop trials by the median rule when the spec
 * asks for early stopping, enforce the per-trial time limit and maxFailedTrials, and answer with Cloud
 * ML Engine's `trainingOutput`. The CLI and the runtime process both run it; they differ only in how
 * they show the events.
 *
 * Everything a resume needs is written to trials.jsonl before it is acted on: a suggestion is recorded
 * as a created trial before it runs, so resuming never re-suggests or re-runs a finished trial, and the
 * algorithm (a pure function of the history and the seed) continues the same sequence.
 */
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type {
  LogLevel,
  StudyMeasurementParams,
  StudyStateParams,
  StudySuggestionParams,
  TrialPhase,
  TrialStateParams,
  TuneParams,
  TuneResult,
} from '../../protocol/runtimeProtocol';
import { isTrainingJobConfig, loadTrainingJobConfig } from '../python/trainingJobConfig';
import { HYPERPARAMETER_DEFAULTS } from '../spec/defaults';
import { checkHyperparameterRules } from '../spec/hyperparameterRules';
import { applyOverrides } from '../spec/overrides';
import type { HyperparameterSpec } from '../spec/jobSpec';
import { loadJobSpec } from '../spec/loadJobSpec';
import type { CreateAlgorithm, SuggestionAlgorithm, TrialObservation } from './algorithm';
import { createAlgorithm as defaultCreateAlgorithm } from './algorithms/index';
import { type MedianStoppingOptions, shouldStopTrial } from './medianStopping';
import { type PythonTrainer, startPythonTrial } from './pythonTrial';
import { startSpecTrial } from './specTrial';
import { newStudyId, StudyFolder, trialRunId } from './studyFolder';
import type { StudyKind } from './studyRecord';
import { buildTrainingOutput } from './trainingOutput';
import type { TrialRecord } from './trialLog';
import type { StepMetrics, TrialHandle, TrialOutcome } from './trialRunner';
import { defaultRuntimePath, WorkerPool } from './workerPool';

/** The protocol's `tune` request (one description of its fields), plus what only in-process callers give. */
export interface TuneJobRequest extends TuneParams {
  /** The runtime bundle the workers run (default: dist/runtime.js). */
  runtimePath?: string;
  /** Aborting stops the study cleanly (running trials re-queued, study CANCELLED, resumable). */
  signal?: AbortSignal;
  /** Tuning of the median stopping rule's guards. */
  earlyStopping?: Omit<MedianStoppingOptions, 'goal'>;
  /** The algorithm factory (tests give their own). */
  createAlgorithm?: CreateAlgorithm;
}

export interface TuneJobEvents {
  onStudy?(p: StudyStateParams): void;
  onSuggestion?(p: StudySuggestionParams): void;
  onTrialState?(p: TrialStateParams): void;
  onMeasurement?(p: StudyMeasurementParams): void;
  onLog?(level: LogLevel, message: string): void;
}

/**
 * maxFailedTrials 0 means "the service decides". Ours: the study fails once
 * max(3, ⌈maxTrials / 2⌉) trials have failed — a few failures (a bad corner of the space) are tolerated,
 * but a study whose trials fail as often as not is broken, and going on would only waste the budget.
 * Independently of the limit, a study that ends with no successful trial is FAILED.
 */
export function defaultMaxFailedTrials(maxTrials: number): number {
  return Math.max(3, Math.ceil(maxTrials / 2));
}

/**
 * After a stop request, how long a trial gets to stop before it is killed: a trial stops at its next
 * batch and then saves its bundle, which takes seconds for a large model; longer than this is a hang.
 */
const KILL_GRACE_MS = 30_000;
/** A trial past its time limit has had its chance: it gets less time to stop before it is killed. */
const TIMEOUT_KILL_GRACE_MS = 5000;

type StopReason = 'early' | 'user' | 'timeout' | 'study';

interface Target {
  kind: StudyKind;
  specFile: string;
  name: string;
  hyperparameters: HyperparameterSpec;
  trainer?: PythonTrainer;
}

/**
 * `--set hyperparameters.<field>=value` on a Cloud training job config (e.g. a smaller maxTrials): the
 * config's other fields are the trainer's business, so only its HyperparameterSpec can be overridden.
 */
function overrideHyperparameters(hp: HyperparameterSpec, overrides: string[]): HyperparameterSpec {
  if (overrides.length === 0) return hp;
  const bad = overrides.find((o) => !/^\s*(trainingInput\.)?hyperparameters\./.test(o));
  if (bad) throw new Error(`--set '${bad}': on a training job config only hyperparameters.<field> can be overridden`);
  const result = applyOverrides({ hyperparameters: hp }, overrides.map((o) => o.replace(/^\s*trainingInput\./, '')));
  if (result.problems.length > 0) throw new Error(result.problems.map((p) => p.message).join('\n'));
  const changed = (result.spec as { hyperparameters: HyperparameterSpec }).hyperparameters;
  const violations = checkHyperparameterRules(changed);
  if (violations.length > 0) throw new Error(violations.map((v) => v.message).join('\n'));
  return changed;
}

async function loadTarget(specFile: string, overrides: string[]): Promise<Target> {
  const file = resolve(specFile);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text !== undefined && isTrainingJobConfig(text)) {
    const config = await loadTrainingJobConfig(file);
    if (!config.hyperparameters) throw new Error(`${file} has no trainingInput.hyperparameters: there is nothing to tune`);
    return {
      kind: 'python',
      specFile: file,
      name: config.jobId ?? config.module.split('.')[0],
      hyperparameters: overrideHyperparameters({ ...HYPERPARAMETER_DEFAULTS, ...config.hyperparameters }, overrides),
      trainer: { file: config.file, packagePath: config.packagePath, module: config.module, args: config.args },
    };
  }
  // Loaded with the parameters' defaults: this checks the spec once, before any trial.
  const loaded = await loadJobSpec(file, { overrides });
  if (!loaded.spec.hyperparameters) throw new Error(`${file} has no 'hyperparameters' section: there is nothing to tune`);
  return { kind: 'spec', specFile: loaded.file, name: loaded.spec.name, hyperparameters: loaded.spec.hyperparameters };
}

export class TuneJob {
  private readonly running = new Map<string, { handle: TrialHandle; done: Promise<void> }>();
  private readonly stopReasons = new Map<string, StopReason>();
  private readonly metricNames = new Map<string, Set<string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pool: WorkerPool | undefined;
  private stopping: { state: 'FAILED' | 'CANCELLED'; message: string } | undefined;
  private exhausted = false;
  private wake: () => void = () => undefined;

  private constructor(
    private readonly request: TuneJobRequest,
    private readonly events: TuneJobEvents,
    readonly folder: StudyFolder,
    private readonly target: Target,
    private readonly workspace: string,
    private readonly overrides: string[],
    private readonly algorithm: SuggestionAlgorithm,
    private readonly parallel: number,
    private readonly maxFailed: number,
    private readonly resumed: boolean,
  ) {}

  get studyId(): string {
    return this.folder.state.studyId;
  }

  private get spec(): HyperparameterSpec {
    return this.target.hyperparameters;
  }

  private get tag(): string {
    return this.spec.hyperparameterMetricTag ?? HYPERPARAMETER_DEFAULTS.hyperparameterMetricTag;
  }

  /** Loads the spec and creates (or takes over, to resume) the study folder. Nothing runs yet. */
  static async prepare(request: TuneJobRequest, events: TuneJobEvents = {}): Promise<TuneJob> {
    const log = (level: LogLevel, message: string) => events.onLog?.(level, message);
    let resumeId = request.resumeStudyId;
    let workspace = request.workspace ? resolve(request.workspace) : undefined;
    let specFile = request.specFile;
    let overrides = request.overrides ?? [];
    let existing: StudyFolder | undefined;
    if (resumeId) {
      workspace ??= specFile ? dirname(resolve(specFile)) : process.cwd();
      existing = StudyFolder.open(workspace, resumeId);
      specFile ??= existing.state.specFile;
      // The study's own overrides still hold; new ones come after them, so they win (e.g. a larger maxTrials).
      overrides = [...existing.state.overrides, ...overrides];
    }
    if (!specFile) throw new Error('give a spec file to tune, or --resume <studyId>');
    const target = await loadTarget(specFile, overrides);
    workspace ??= dirname(target.specFile);

    // Cloud's resumePreviousJobId: continue that study (here a study id) instead of starting afresh.
    if (!existing && target.hyperparameters.resumePreviousJobId) {
      resumeId = target.hyperparameters.resumePreviousJobId;
      existing = StudyFolder.open(workspace, resumeId);
      log('info', `resumePreviousJobId: continuing study ${resumeId}`);
    }
    const hp = target.hyperparameters;
    if (existing && JSON.stringify(existing.state.hyperparameters.params) !== JSON.stringify(hp.params)) {
      throw new Error(`study ${existing.state.studyId} was started with other hyperparameters.params than ${target.specFile} has now: a resumed study must search the same space`);
    }
    const maxTrials = hp.maxTrials ?? 1;
    const parallel = Math.max(1, Math.min(request.parallel ?? hp.maxParallelTrials ?? 1, maxTrials));
    const maxFailed = hp.maxFailedTrials && hp.maxFailedTrials > 0 ? hp.maxFailedTrials : defaultMaxFailedTrials(maxTrials);
    const settings = { parallel, maxFailedTrials: maxFailed, trialTimeoutSeconds: request.trialTimeoutSeconds, earlyStopping: hp.enableTrialEarlyStopping === true };
    const create = request.createAlgorithm ?? defaultCreateAlgorithm;

    let folder: StudyFolder;
    if (existing) {
      folder = existing;
      const algorithm = create(hp, folder.state.seed);
      const recovered = folder.resume(workspace, { hyperparameters: hp, specFile: target.specFile, overrides, settings, algorithm: algorithm.name });
      for (const r of recovered) {
        log('warn', r.action === 'requeued'
          ? `trial ${r.trialId} was running when the study's process ended: re-queued (run ${r.previousRunId} marked failed; it runs again as ${r.runId})`
          : `trial ${r.trialId} was interrupted too often: marked FAILED`);
      }
      return new TuneJob(request, events, folder, target, workspace, overrides, algorithm, parallel, maxFailed, true);
    }
    const seed = request.seed ?? randomInt(2 ** 31 - 1);
    const algorithm = create(hp, seed);
    folder = StudyFolder.create(workspace, {
      studyId: request.studyId ?? newStudyId(target.name),
      name: target.name,
      kind: target.kind,
      specFile: target.specFile,
      overrides,
      hyperparameters: hp,
      algorithm: algorithm.name,
      seed,
      settings,
    });
    return new TuneJob(request, events, folder, target, workspace, overrides, algorithm, parallel, maxFailed, false);
  }

  /** Runs the study to its end (or until stopped) and answers with its trainingOutput. */
  async run(): Promise<TuneResult> {
    const onAbort = () => this.stop('CANCELLED', 'stopped by the user');
    this.request.signal?.addEventListener('abort', onAbort);
    if (this.request.signal?.aborted) onAbort();
    this.emitStudy();
    try {
      if (this.target.kind === 'spec') {
        this.pool = new WorkerPool({
          runtimePath: this.request.runtimePath ?? defaultRuntimePath(),
          onStderr: (pid, text) => this.log('debug', `worker ${pid}: ${text.trimEnd()}`),
        });
        // Warm the workers while the algorithm makes its first suggestions.
        this.pool.warm(this.parallel);
      }
      await this.loop();
    } catch (err) {
      this.stop('FAILED', err instanceof Error ? err.message : String(err));
      await Promise.all([...this.running.values()].map((r) => r.done));
    } finally {
      this.request.signal?.removeEventListener('abort', onAbort);
      for (const t of this.timers) clearTimeout(t);
      await this.pool?.dispose();
    }
    return this.finish();
  }

  /** Stops one running trial; it ends STOPPED with what it has (not counted as stopped early). */
  stopTrial(trialId: string): boolean {
    const running = this.running.get(trialId);
    if (!running || this.stopReasons.has(trialId)) return false;
    this.stopReasons.set(trialId, 'user');
    this.log('info', `stopping trial ${trialId} (asked by the user)`);
    this.cancelTrial(running.handle);
    return true;
  }

  /** Stops the study: no new trials; running ones are cancelled and re-queued for a resume. */
  stop(state: 'FAILED' | 'CANCELLED' = 'CANCELLED', message = 'stopped by the user'): void {
    if (this.stopping) return;
    this.stopping = { state, message };
    this.log(state === 'FAILED' ? 'error' : 'warn', `stopping the study: ${message}`);
    for (const [trialId, running] of this.running) {
      if (!this.stopReasons.has(trialId)) this.stopReasons.set(trialId, 'study');
      this.cancelTrial(running.handle);
    }
    this.wake();
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (!this.stopping) this.fillSlots();
      if (this.running.size === 0) return;
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      await Promise.race([...[...this.running.values()].map((r) => r.done), woken]);
    }
  }

  /** Starts queued trials first (re-queued after an interruption), then new suggestions. */
  private fillSlots(): void {
    const maxTrials = this.spec.maxTrials ?? 1;
    for (const trial of this.folder.trials) {
      if (this.running.size >= this.parallel) return;
      if (trial.state === 'ACTIVE' && trial.queued && !this.running.has(trial.trialId)) this.startTrial(trial);
    }
    const free = Math.min(this.parallel - this.running.size, maxTrials - this.folder.trials.length);
    if (free <= 0 || this.exhausted) return;
    const history: TrialObservation[] = this.folder.trials.map((t) => ({
      trialId: t.trialId,
      parameters: t.parameters,
      state: t.state,
      objective: t.state === 'COMPLETED' || t.state === 'STOPPED' ? t.objective : undefined,
    }));
    const t0 = performance.now();
    const suggestions = this.algorithm.suggest({ history, count: free }).slice(0, free);
    const elapsedMs = Math.round(performance.now() - t0);
    // Fewer than asked is fine (asked again when a slot frees); none at all means the space is used up.
    if (suggestions.length === 0) {
      this.exhausted = true;
      this.log('info', `${this.algorithm.name} has no more parameter sets to suggest`);
      return;
    }
    const created: TrialRecord[] = [];
    for (const parameters of suggestions) {
      const trialId = this.folder.nextTrialId();
      const runId = trialRunId(this.studyId, trialId, 1);
      const trial = this.folder.append({ type: 'created', trialId, parameters, runId, time: new Date().toISOString() })!;
      created.push(trial);
      this.emitTrial(trial, 'created');
    }
    this.events.onSuggestion?.({
      studyId: this.studyId,
      algorithm: this.algorithm.name,
      trials: created.map((t) => ({ trialId: t.trialId, parameters: t.parameters })),
      elapsedMs,
    });
    for (const trial of created) this.startTrial(trial);
  }

  private startTrial(trial: TrialRecord): void {
    const attempt = trial.attempts + 1;
    this.folder.append({ type: 'started', trialId: trial.trialId, runId: trial.runId, attempt, time: new Date().toISOString() });
    this.emitTrial(trial, 'active');
    this.stopReasons.delete(trial.trialId);
    const onStep = (s: StepMetrics) => this.onStep(trial.trialId, s);
    const handle =
      this.target.kind === 'python'
        ? startPythonTrial({
            trainer: this.target.trainer!,
            name: this.target.name,
            workspace: this.workspace,
            runId: trial.runId,
            trialId: trial.trialId,
            hyperparameters: trial.parameters,
            python: this.request.python,
            onStep,
          })
        : startSpecTrial(this.pool!, {
            specFile: this.target.specFile,
            workspace: this.workspace,
            runId: trial.runId,
            overrides: this.overrides,
            hyperparameters: trial.parameters,
            backend: this.request.backend,
            onStep,
          });
    const timeout = this.request.trialTimeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    if (timeout && timeout > 0) {
      void handle.running.then(() => {
        if (finished) return;
        timer = setTimeout(() => {
          if (this.stopReasons.has(trial.trialId)) return;
          this.stopReasons.set(trial.trialId, 'timeout');
          this.log('warn', `trial ${trial.trialId} exceeded the time limit of ${timeout} s: stopping it`);
          this.cancelTrial(handle, TIMEOUT_KILL_GRACE_MS);
        }, timeout * 1000);
        this.timers.add(timer);
      });
    }
    const done = handle.done
      .catch((err: unknown): TrialOutcome => ({ status: 'failed', error: err instanceof Error ? err.message : String(err) }))
      .then((outcome) => {
        finished = true;
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        this.running.delete(trial.trialId);
        this.finishTrial(trial.trialId, outcome);
      });
    this.running.set(trial.trialId, { handle, done });
  }

  /** Cancel, and kill whatever has not stopped within the grace period (a hung trial). */
  private cancelTrial(handle: TrialHandle, graceMs = KILL_GRACE_MS): void {
    handle.cancel();
    const timer = setTimeout(() => handle.kill(), graceMs);
    this.timers.add(timer);
    void handle.done.finally(() => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private onStep(trialId: string, { step, metrics }: StepMetrics): void {
    const trial = this.folder.trial(trialId);
    if (!trial || trial.state !== 'ACTIVE') return;
    const names = this.metricNames.get(trialId) ?? new Set<string>();
    for (const name of Object.keys(metrics)) names.add(name);
    this.metricNames.set(trialId, names);
    const value = metrics[this.tag];
    if (typeof value !== 'number') return;
    this.folder.append({ type: 'measurement', trialId, step, value, time: new Date().toISOString() });
    this.events.onMeasurement?.({ studyId: this.studyId, trialId, runId: trial.runId, tag: this.tag, step, value, metrics });
    this.checkEarlyStopping(trial);
  }

  private checkEarlyStopping(trial: TrialRecord): void {
    if (!this.spec.enableTrialEarlyStopping || this.stopReasons.has(trial.trialId) || this.stopping) return;
    const references = this.folder.trials.filter((t) => t.state === 'COMPLETED' || t.state === 'STOPPED').map((t) => t.measurements);
    const decision = shouldStopTrial(trial.measurements, references, { ...this.request.earlyStopping, goal: this.spec.goal });
    if (!decision.stop) return;
    const running = this.running.get(trial.trialId);
    if (!running) return;
    this.stopReasons.set(trial.trialId, 'early');
    this.log('info', `trial ${trial.trialId}: median stopping rule — ${decision.reason}: stopping it early`);
    this.cancelTrial(running.handle);
  }

  private finishTrial(trialId: string, outcome: TrialOutcome): void {
    const trial = this.folder.trial(trialId)!;
    const reason = this.stopReasons.get(trialId);
    this.stopReasons.delete(trialId);
    const time = new Date().toISOString();
    const last = trial.measurements[trial.measurements.length - 1];

    if (outcome.status !== 'completed' && reason === 'study') {
      // Interrupted by the study's own stop: not the trial's doing, so it runs again on resume.
      const runId = trialRunId(this.studyId, trialId, trial.attempts + 1);
      this.folder.append({ type: 'requeued', trialId, runId, reason: this.stopping?.message ?? 'the study was stopped', time });
      this.emitTrial(trial, 'created', `interrupted (${this.stopping?.message ?? 'study stopped'}); runs again when the study is resumed`);
      return;
    }
    let failure: string | undefined;
    if (reason === 'timeout') failure = `exceeded the trial time limit of ${this.request.trialTimeoutSeconds} s`;
    else if (outcome.status === 'failed') failure = outcome.error ?? 'the trial failed';
    else if (!last) {
      const seen = [...(this.metricNames.get(trialId) ?? [])];
      failure = `the trial reported no '${this.tag}' (the hyperparameterMetricTag)${seen.length ? `; it reported: ${seen.join(', ')}` : ''}`;
    } else if (!Number.isFinite(last.value)) failure = `the final '${this.tag}' is ${last.value}, not a finite number`;

    if (failure) {
      this.folder.append({ type: 'finished', trialId, state: 'FAILED', stoppedEarly: false, error: failure, time });
      this.emitTrial(trial, 'failed', failure);
      const failed = this.folder.state.counts.failed;
      if (failed >= this.maxFailed && !this.stopping) {
        this.stop('FAILED', `${failed} trials failed (maxFailedTrials ${this.spec.maxFailedTrials || `0: Model Lab's limit is ${this.maxFailed}`}); last: trial ${trialId}: ${failure}`);
      }
      return;
    }
    const stopped = outcome.status === 'cancelled';
    const early = stopped && reason === 'early';
    this.folder.append({ type: 'finished', trialId, state: stopped ? 'STOPPED' : 'COMPLETED', objective: last!.value, step: last!.step, stoppedEarly: early, time });
    this.emitTrial(trial, stopped ? 'stopped' : 'completed', early ? 'stopped early by the median stopping rule' : stopped ? 'stopped by the user' : undefined);
  }

  private finish(): TuneResult {
    const record = this.folder.state;
    const { counts } = record;
    let state: TuneResult['state'];
    let message: string | undefined;
    if (this.stopping) {
      state = this.stopping.state;
      message = this.stopping.message;
    } else if (counts.completed + counts.stopped === 0) {
      state = 'FAILED';
      message = counts.failed > 0 ? `every trial failed (${counts.failed})` : 'no trial ran';
    } else {
      state = 'SUCCEEDED';
      message = this.exhausted && this.folder.trials.length < (this.spec.maxTrials ?? 1) ? `${this.algorithm.name} ran out of parameter sets` : undefined;
    }
    this.folder.finish(state, message);
    this.emitStudy(message);
    return {
      studyId: this.studyId,
      studyDir: this.folder.dir,
      state,
      message,
      trainingOutput: buildTrainingOutput(this.folder.state, this.folder.trials),
    };
  }

  private emitStudy(message?: string): void {
    const s = this.folder.state;
    this.events.onStudy?.({
      studyId: s.studyId,
      studyDir: this.folder.dir,
      name: s.name,
      state: s.state,
      algorithm: s.algorithm,
      goal: this.spec.goal ?? 'MAXIMIZE',
      hyperparameterMetricTag: this.tag,
      maxTrials: this.spec.maxTrials ?? 1,
      parallel: this.parallel,
      resumed: this.resumed,
      message,
    });
  }

  private emitTrial(trial: TrialRecord, state: TrialPhase, message?: string): void {
    const best = this.folder.state.best;
    this.events.onTrialState?.({
      studyId: this.studyId,
      trialId: trial.trialId,
      state,
      parameters: trial.parameters,
      runId: trial.runId,
      finalMetric: trial.objective !== undefined && (state === 'completed' || state === 'stopped') ? { trainingStep: trial.step ?? 0, objectiveValue: trial.objective } : undefined,
      isTrialStoppedEarly: trial.stoppedEarly,
      message,
      best,
    });
  }

  private log(level: LogLevel, message: string): void {
    this.events.onLog?.(level, message);
  }
}

/** Prepares and runs a study (the CLI's path); `onPrepared` gets the job to stop trials or the study. */
export async function tuneJob(request: TuneJobRequest, events: TuneJobEvents = {}, onPrepared?: (job: TuneJob) => void): Promise<TuneResult> {
  const job = await TuneJob.prepare(request, events);
  onPrepared?.(job);
  return job.run();
}
