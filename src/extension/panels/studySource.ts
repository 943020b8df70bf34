/**
 * A study panel's data: a snapshot from study.json + trials.jsonl, then changes — from the runtime's
 * notifications while this window runs the study, otherwise by following its files (a study started
 * from the CLI, or in another window, still grows in the panel). Curves are read per run, only for the
 * runs the webview asks for or subscribes to. Plain Node: the JobTracker comes in as a `LiveFeed`.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StudyEvent } from '../jobs/jobTracker';
import type { CurveSeries, EpochPoint, StudyHeader, StudySnapshot, TrialRow } from '../../protocol/webviewProtocol';
import { RUNS_DIR } from '../../runtime/runs/runFolder';
import { readStudyRecord, STUDY_FILE, TRIALS_FILE } from '../../runtime/tune/studyRecord';
import type { TrialLogEntry } from '../../runtime/tune/trialLog';
import { parseJsonLines } from '../../runtime/util/jsonLines';
import { FileTail } from './fileTail';
import { DEFAULT_FOLLOW, type FollowTiming, type LiveFeed, Poller } from './liveFeed';
import { MetricsFollower, readRunPoints } from './runFiles';
import { headerFromRecord, StudyModel } from './studyModel';

export interface StudySink {
  studyUpdate(header?: StudyHeader, trials?: readonly TrialRow[]): void;
  curvePoints(runId: string, points: readonly EpochPoint[], trialId?: string): void;
  liveChanged(kind: 'study', live: boolean): void;
}

/** Run ids come from the webview: only plain ids may name a folder (no `..`, no separators). */
export const RUN_ID = /^[A-Za-z0-9_-]{1,200}$/;

export class StudySource {
  readonly studyDir: string;
  readonly runsDir: string;
  private model!: StudyModel;
  private readonly trialsTail: FileTail;
  private studyMtime = 0;
  private live: boolean;
  private readonly followers = new Map<string, MetricsFollower>();
  private readonly poller: Poller;
  private readonly liveSub: { dispose(): unknown };
  /** Notifications that came while the files were being read: applied after them (replays converge). */
  private early: StudyEvent[] | undefined = [];

  constructor(
    readonly workspace: string,
    readonly studyId: string,
    private readonly feed: LiveFeed,
    private readonly sink: StudySink,
    private readonly timing: FollowTiming = DEFAULT_FOLLOW,
    onError: (err: unknown) => void = () => undefined,
  ) {
    if (!RUN_ID.test(studyId)) throw new Error(`invalid study id '${studyId}'`);
    this.studyDir = join(workspace, '.modellab', 'studies', studyId);
    this.runsDir = join(workspace, RUNS_DIR);
    this.trialsTail = new FileTail(join(this.studyDir, TRIALS_FILE));
    this.live = feed.isLive('study', studyId);
    this.liveSub = feed.onStudyEvent(studyId, (e) => this.onLive(e));
    this.poller = new Poller(() => this.follow(), () => this.followInterval(), onError);
  }

  /** Reads the study's files; then follows them (unless live). Throws when the study does not exist. */
  async start(): Promise<void> {
    try {
      const record = readStudyRecord(this.studyDir);
      this.studyMtime = (await stat(join(this.studyDir, STUDY_FILE))).mtimeMs;
      this.model = new StudyModel(headerFromRecord(record, this.studyDir, this.live));
    } catch (err) {
      // Opened as the study starts, before its folder is written: the notifications fill the header in.
      if (!this.live) throw err;
      this.model = new StudyModel(placeholderHeader(this.studyId, this.studyDir));
    }
    // Slice by slice: a history of a million lines is never in memory as text all at once.
    await this.trialsTail.readEach((lines) => {
      for (const entry of parseJsonLines<TrialLogEntry>(lines)) this.model.applyEntry(entry);
    });
    const early = this.early ?? [];
    this.early = undefined;
    for (const e of early) this.onLive(e);
    this.poller.start();
  }

  get isLive(): boolean {
    return this.live;
  }

  snapshot(): StudySnapshot {
    return { kind: 'study', header: this.model.header, trials: this.model.trials(), live: this.live };
  }

  get header(): StudyHeader {
    return this.model.header;
  }

  trial(trialId: string): TrialRow | undefined {
    return this.model.row(trialId);
  }

  runDir(runId: string): string {
    if (!RUN_ID.test(runId)) throw new Error(`invalid run id '${runId}'`);
    return join(this.runsDir, runId);
  }

  /** Full histories of these runs; later points of subscribed runs then come as appends, without repeats. */
  async curves(runIds: readonly string[]): Promise<CurveSeries[]> {
    return Promise.all(
      // A trial suggested but not yet given a run has no curve (its runId is still empty).
      runIds.filter((id) => id !== '').map(async (runId) => {
        const points = await readRunPoints(this.runDir(runId));
        const follower = this.followers.get(runId);
        if (follower && points.length) follower.lastStep = Math.max(follower.lastStep, points[points.length - 1].step);
        const trialId = this.model.trialOfRun(runId)?.trialId;
        return { runId, points, ...(trialId ? { trialId } : {}) };
      }),
    );
  }

  /** The runs whose new points stream as `curves/append` (replaces the previous set). */
  async setCurveSubscription(runIds: readonly string[]): Promise<void> {
    const wanted = new Set(runIds.filter((id) => RUN_ID.test(id)));
    for (const id of [...this.followers.keys()]) if (!wanted.has(id)) this.followers.delete(id);
    for (const id of wanted) {
      if (this.followers.has(id)) continue;
      const follower = new MetricsFollower(this.runDir(id));
      // New points only: the webview asks for the history with a `curves` request.
      await follower.skipToEnd();
      this.followers.set(id, follower);
    }
  }

  dispose(): void {
    this.poller.dispose();
    this.liveSub.dispose();
    this.followers.clear();
  }

  private followInterval(): number {
    return this.model?.header.state === 'RUNNING' && !this.model.header.interrupted ? this.timing.activeMs : this.timing.idleMs;
  }

  /** One look at the files: study.json when it changed, trials.jsonl's new lines, subscribed runs' new points. */
  private async follow(): Promise<void> {
    if (this.live) return;
    let header: StudyHeader | undefined;
    const info = await stat(join(this.studyDir, STUDY_FILE)).catch(() => undefined);
    // Deleted while the panel is open: nothing to follow (and nothing worth a warning every tick).
    if (!info) return;
    const mtime = info.mtimeMs;
    if (mtime !== this.studyMtime) {
      this.studyMtime = mtime;
      const fresh = headerFromRecord(readStudyRecord(this.studyDir), this.studyDir, this.live);
      // study.json's best lags behind trials.jsonl: keep the one the trials gave when the file has none.
      header = this.model.header = { ...fresh, best: fresh.best ?? this.model.header.best };
    }
    const bestBefore = this.model.header.best;
    const changed = new Map<string, TrialRow>();
    await this.trialsTail.readEach((lines) => {
      for (const entry of parseJsonLines<TrialLogEntry>(lines)) {
        const row = this.model.applyEntry(entry);
        if (row) changed.set(row.trialId, row);
      }
    });
    if (this.model.header.best !== bestBefore) header = this.model.header;
    if (header || changed.size) this.sink.studyUpdate(header, [...changed.values()]);
    for (const [runId, follower] of this.followers) {
      const { points } = await follower.read();
      if (points.length) this.sink.curvePoints(runId, points, this.model.trialOfRun(runId)?.trialId);
    }
  }

  /** The parameters and dates only study.json has (a panel opened before the folder existed). */
  private readHeaderQuietly(): void {
    try {
      const fresh = headerFromRecord(readStudyRecord(this.studyDir), this.studyDir, true);
      this.model.header = { ...fresh, best: this.model.header.best ?? fresh.best };
    } catch {
      // Still not written: the notifications' fields will do.
    }
  }

  private onLive(e: StudyEvent): void {
    if (this.early) {
      this.early.push(e);
      return;
    }
    if (!this.live && e.type !== 'ended') {
      // Resumed from this window while the panel was open: notifications take over from the files.
      this.live = true;
      this.model.header = { ...this.model.header, interrupted: false };
      this.sink.studyUpdate(this.model.header);
      this.sink.liveChanged('study', true);
    }
    switch (e.type) {
      case 'state':
        if (!this.model.header.params.length) this.readHeaderQuietly();
        this.sink.studyUpdate(this.model.applyState(e.params));
        break;
      case 'suggestion':
        this.sink.studyUpdate(undefined, this.model.applySuggestion(e.params.trials));
        break;
      case 'trialState': {
        const best = this.model.header.best;
        const row = this.model.applyTrialState(e.params);
        this.sink.studyUpdate(this.model.header.best !== best ? this.model.header : undefined, row ? [row] : []);
        break;
      }
      case 'measurement': {
        const row = this.model.applyMeasurement(e.params);
        if (row) this.sink.studyUpdate(undefined, [row]);
        const follower = this.followers.get(e.params.runId);
        if (follower) {
          const metrics = e.params.metrics ?? { [e.params.tag]: e.params.value };
          const points = follower.fresh([{ step: e.params.step, metrics }]);
          if (points.length) this.sink.curvePoints(e.params.runId, points, e.params.trialId);
        }
        break;
      }
      case 'ended':
        // Back to the files, from where they were left: replaying entries already applied changes nothing.
        this.live = false;
        this.sink.liveChanged('study', false);
        this.studyMtime = 0;
        void this.poller.now();
        break;
    }
  }
}

function placeholderHeader(studyId: string, studyDir: string): StudyHeader {
  return {
    studyId, studyDir, name: studyId, state: 'RUNNING', interrupted: false, algorithm: '', goal: 'MAXIMIZE', metricTag: '',
    maxTrials: 0, parallel: 0, params: [], createdAt: new Date().toISOString(),
  };
}
