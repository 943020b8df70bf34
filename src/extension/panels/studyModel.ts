/**
 * A study as the panel shows it: a header (from study.json, or the runtime's `study/state`) and one
 * `TrialRow` per trial, kept up to date one change at a time from either source — a trials.jsonl entry
 * (a study followed through its files) or a live notification (a study this window runs). Each apply
 * returns the row it changed, so the panel sends only upserts, never the whole table again.
 *
 * Only the last measurement of a trial is kept (not every one, as the runtime's own replay does): a
 * study of 10,000 trials × 100 epochs would otherwise hold a million points the table never shows;
 * curves are read from the runs' metrics.jsonl when the webview asks for them.
 */
import type {
  StudyMeasurementParams,
  StudyStateParams,
  TrialStateParams,
} from '../../protocol/runtimeProtocol';
import type { ParamInfo, StudyHeader, TrialRow, TrialRowState } from '../../protocol/webviewProtocol';
import type { StudyRecord } from '../../runtime/tune/studyRecord';
import type { TrialLogEntry } from '../../runtime/tune/trialLog';
import { ownerGone } from './processCheck';

const FINAL: ReadonlySet<TrialRowState> = new Set(['completed', 'stopped', 'failed']);

/** True when study.json says RUNNING but its process on this machine is gone (the runtime's own test). */
export function studyInterrupted(record: Pick<StudyRecord, 'state' | 'hostname' | 'pid'>): boolean {
  return record.state === 'RUNNING' && ownerGone(record);
}

export function headerFromRecord(record: StudyRecord, studyDir: string, live: boolean): StudyHeader {
  const hp = record.hyperparameters;
  return {
    studyId: record.studyId,
    studyDir,
    name: record.name,
    state: record.state,
    interrupted: !live && studyInterrupted(record),
    algorithm: record.algorithm,
    goal: hp.goal === 'MINIMIZE' ? 'MINIMIZE' : 'MAXIMIZE',
    metricTag: hp.hyperparameterMetricTag ?? 'training/hptuning/metric',
    maxTrials: hp.maxTrials ?? 1,
    parallel: record.settings?.parallel ?? hp.maxParallelTrials ?? 1,
    params: (hp.params ?? []).map(paramInfo),
    best: record.best,
    createdAt: record.createdAt,
    endedAt: record.endedAt,
    message: record.message,
  };
}

function paramInfo(p: StudyRecord['hyperparameters']['params'][number]): ParamInfo {
  const info: ParamInfo = { name: p.parameterName, type: p.type as ParamInfo['type'] };
  if (p.minValue !== undefined) info.min = p.minValue;
  if (p.maxValue !== undefined) info.max = p.maxValue;
  if (p.categoricalValues) info.values = [...p.categoricalValues];
  else if (p.discreteValues) info.values = [...p.discreteValues];
  if (p.scaleType && p.scaleType !== 'NONE') info.scale = p.scaleType as ParamInfo['scale'];
  return info;
}

export class StudyModel {
  private readonly rows = new Map<string, TrialRow>();
  header: StudyHeader;

  constructor(header: StudyHeader) {
    this.header = header;
  }

  /** Every trial, in creation order. */
  trials(): TrialRow[] {
    return [...this.rows.values()];
  }

  get size(): number {
    return this.rows.size;
  }

  row(trialId: string): TrialRow | undefined {
    return this.rows.get(trialId);
  }

  /** The run of a trial (current attempt), or undefined. */
  trialOfRun(runId: string): TrialRow | undefined {
    for (const row of this.rows.values()) if (row.runId === runId) return row;
    return undefined;
  }

  /**
   * Applies one trials.jsonl entry; returns the changed row. Replaying entries already applied (from
   * live events) converges to the file's truth: final trials never change again, as in the runtime.
   */
  applyEntry(entry: TrialLogEntry): TrialRow | undefined {
    const row = this.rows.get(entry.trialId);
    if (entry.type === 'created') {
      if (row) return undefined;
      const created: TrialRow = { trialId: entry.trialId, state: 'queued', parameters: { ...entry.parameters }, stoppedEarly: false, runId: entry.runId };
      this.rows.set(entry.trialId, created);
      return created;
    }
    if (!row || FINAL.has(row.state)) return undefined;
    switch (entry.type) {
      case 'started':
        row.state = 'running';
        row.runId = entry.runId;
        row.startTime = entry.time;
        delete row.lastValue;
        delete row.step;
        break;
      case 'measurement':
        row.lastValue = entry.value;
        row.step = entry.step;
        break;
      case 'finished':
        row.state = entry.state === 'COMPLETED' ? 'completed' : entry.state === 'STOPPED' ? 'stopped' : 'failed';
        if (entry.objective !== undefined) row.objective = entry.objective;
        if (entry.step !== undefined) row.step = entry.step;
        row.stoppedEarly = entry.stoppedEarly;
        if (entry.error) row.error = entry.error;
        this.finish(row, entry.time);
        break;
      case 'requeued':
        row.state = 'queued';
        row.runId = entry.runId;
        delete row.lastValue;
        delete row.step;
        break;
      default:
        return undefined;
    }
    return row;
  }

  /** `study/suggestion`: new queued trials. */
  applySuggestion(trials: { trialId: string; parameters: Record<string, number | string> }[]): TrialRow[] {
    const changed: TrialRow[] = [];
    for (const t of trials) {
      if (this.rows.has(t.trialId)) continue;
      // The run id is known only from the trial's first `study/trialState`.
      const row: TrialRow = { trialId: t.trialId, state: 'queued', parameters: { ...t.parameters }, stoppedEarly: false, runId: '' };
      this.rows.set(t.trialId, row);
      changed.push(row);
    }
    return changed;
  }

  /** `study/trialState`. */
  applyTrialState(p: TrialStateParams, now = new Date().toISOString()): TrialRow | undefined {
    let row = this.rows.get(p.trialId);
    if (!row) {
      row = { trialId: p.trialId, state: 'queued', parameters: { ...p.parameters }, stoppedEarly: false, runId: p.runId };
      this.rows.set(p.trialId, row);
    }
    if (FINAL.has(row.state)) return undefined;
    if (p.runId && p.runId !== row.runId) {
      row.runId = p.runId;
      delete row.lastValue;
      delete row.step;
    }
    switch (p.state) {
      case 'created':
        row.state = 'queued';
        break;
      case 'active':
        if (row.state !== 'running') row.startTime = now;
        row.state = 'running';
        break;
      default:
        row.state = p.state;
        if (p.finalMetric) {
          row.objective = p.finalMetric.objectiveValue;
          row.step = p.finalMetric.trainingStep;
        }
        row.stoppedEarly = p.isTrialStoppedEarly;
        if (p.state === 'failed' && p.message) row.error = p.message;
        this.finish(row, now);
    }
    if (p.best) this.header = { ...this.header, best: p.best };
    return row;
  }

  /** `study/measurement`. */
  applyMeasurement(p: StudyMeasurementParams): TrialRow | undefined {
    const row = this.rows.get(p.trialId);
    if (!row || FINAL.has(row.state)) return undefined;
    row.lastValue = p.value;
    row.step = p.step;
    if (p.runId) row.runId = p.runId;
    if (row.state === 'queued') row.state = 'running';
    return row;
  }

  /** `study/state`: the header fields a notification carries (params and dates stay as read). */
  applyState(p: StudyStateParams): StudyHeader {
    this.header = {
      ...this.header,
      name: p.name || this.header.name,
      state: p.state,
      interrupted: false,
      algorithm: p.algorithm,
      goal: p.goal === 'MINIMIZE' ? 'MINIMIZE' : 'MAXIMIZE',
      metricTag: p.hyperparameterMetricTag,
      maxTrials: p.maxTrials,
      parallel: p.parallel,
      message: p.message,
      endedAt: p.state === 'RUNNING' ? undefined : this.header.endedAt ?? new Date().toISOString(),
    };
    return this.header;
  }

  private finish(row: TrialRow, time: string): void {
    row.endTime = time;
    if (row.startTime) row.durationSeconds = Math.round((Date.parse(time) - Date.parse(row.startTime)) / 10) / 100;
    if (row.objective === undefined || row.state === 'failed') return;
    // The best trial, kept as trials finish (study.json's copy lags behind trials.jsonl).
    const best = this.header.best;
    const better = this.header.goal === 'MINIMIZE' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
    if (!best || better(row.objective, best.objective)) this.header = { ...this.header, best: { trialId: row.trialId, objective: row.objective } };
  }
}
