/**
 * The study the panel shows, updated in place from `init` and `study/update` upserts, plus the learning
 * curves of the trials the user subscribed to. DOM-free. Views read it when they redraw and use the
 * version counters to skip work that nothing changed.
 */
import type { CurveSeries, EpochPoint, StudyHeader, StudySnapshot, TrialRow } from '../../protocol/webviewProtocol';
import { bestTrial } from './bestSoFar';
import { categoriesOf } from './trialQuery';

export class StudyStore {
  header: StudyHeader;
  live: boolean;
  readonly trials = new Map<string, TrialRow>();
  /** Bumped on every change to a trial (row contents, order, filters depend on it). */
  trialsVersion = 0;
  headerVersion = 0;
  private cachedList?: { version: number; list: TrialRow[] };
  private cachedCategories?: { version: number; map: Map<string, string[]> };

  constructor(snapshot: StudySnapshot) {
    this.header = snapshot.header;
    this.live = snapshot.live;
    for (const t of snapshot.trials) this.trials.set(t.trialId, t);
  }

  /** Applies one `study/update`; returns whether anything changed. */
  update(header: StudyHeader | undefined, trials: TrialRow[] | undefined, live?: boolean): boolean {
    // `live` changes when this window starts or stops running the study: the stop actions follow it.
    const liveChanged = live !== undefined && live !== this.live;
    if (liveChanged) {
      this.live = live;
      this.headerVersion++;
    }
    if (header) {
      this.header = header;
      this.headerVersion++;
    }
    if (trials && trials.length > 0) {
      for (const t of trials) this.trials.set(t.trialId, t);
      this.trialsVersion++;
    }
    return liveChanged || header !== undefined || (trials?.length ?? 0) > 0;
  }

  list(): TrialRow[] {
    if (this.cachedList?.version !== this.trialsVersion) this.cachedList = { version: this.trialsVersion, list: [...this.trials.values()] };
    return this.cachedList.list;
  }

  categories(): Map<string, string[]> {
    if (this.cachedCategories?.version !== this.trialsVersion) {
      this.cachedCategories = { version: this.trialsVersion, map: categoriesOf(this.header.params, this.trials.values()) };
    }
    return this.cachedCategories.map;
  }

  /** The header's best trial, or the best objective seen while the header has none yet. */
  best(): TrialRow | undefined {
    const id = this.header.best?.trialId;
    return (id !== undefined ? this.trials.get(id) : undefined) ?? bestTrial(this.trials.values(), this.header.goal);
  }

  trialByRun(runId: string): TrialRow | undefined {
    for (const t of this.trials.values()) if (t.runId === runId) return t;
    return undefined;
  }
}

/** Metric histories per run: a `curves` response replaces one, `curves/append` extends it. */
export class CurveStore {
  private readonly series = new Map<string, EpochPoint[]>();
  version = 0;

  set(series: CurveSeries[]): void {
    for (const s of series) this.series.set(s.runId, [...s.points]);
    this.version++;
  }

  /** Appends points, dropping any whose step is not after the last one (a replayed or duplicate message). */
  append(series: CurveSeries[]): void {
    for (const s of series) {
      const points = this.series.get(s.runId);
      if (!points) {
        this.series.set(s.runId, [...s.points]);
        continue;
      }
      for (const p of s.points) if (points.length === 0 || p.step > points[points.length - 1].step) points.push(p);
    }
    this.version++;
  }

  get(runId: string): EpochPoint[] | undefined {
    return this.series.get(runId);
  }

  /** Keeps only these runs (the subscription changed). */
  retain(runIds: Iterable<string>): void {
    const keep = new Set(runIds);
    for (const id of [...this.series.keys()]) if (!keep.has(id)) this.series.delete(id);
    this.version++;
  }

  metricNames(): string[] {
    const names = new Set<string>();
    for (const points of this.series.values()) for (const p of points) for (const k of Object.keys(p.metrics)) names.add(k);
    return [...names].sort();
  }
}
