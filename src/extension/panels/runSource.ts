/**
 * A run panel's data: run.json + metrics.jsonl + the log's tail, then changes — the runtime's
 * notifications while this window trains the run (epochs reach the chart as they happen), otherwise
 * the folder's files, followed while the run is running elsewhere (the CLI, a study's trial worker).
 * Plain Node: the JobTracker comes in as a `LiveFeed`.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../jobs/jobTracker';
import type { EpochPoint, RunHeader, RunProgress, RunSnapshot } from '../../protocol/webviewProtocol';
import { RUN_FILE } from '../../runtime/runs/runRecord';
import { DEFAULT_FOLLOW, type FollowTiming, type LiveFeed, Poller } from './liveFeed';
import { LOG_TAIL_LINES, LogFollower, MetricsFollower, readRunHeader } from './runFiles';

export interface RunSink {
  runUpdate(change: { header?: RunHeader; points?: readonly EpochPoint[]; progress?: RunProgress; log?: readonly string[] }): void;
  liveChanged(kind: 'run', live: boolean): void;
}

export class RunSource {
  private header!: RunHeader;
  private readonly points: EpochPoint[] = [];
  private progress: RunProgress | undefined;
  private logTail: string[] = [];
  private runMtime = 0;
  private live: boolean;
  private readonly metrics: MetricsFollower;
  private readonly log: LogFollower;
  private readonly poller: Poller;
  private readonly liveSub: { dispose(): unknown };
  /** Notifications that came while the files were being read: applied after them (points deduplicated by step). */
  private early: RunEvent[] | undefined = [];

  constructor(
    readonly runId: string,
    readonly runDir: string,
    private readonly feed: LiveFeed,
    private readonly sink: RunSink,
    private readonly timing: FollowTiming = DEFAULT_FOLLOW,
    onError: (err: unknown) => void = () => undefined,
  ) {
    this.metrics = new MetricsFollower(runDir);
    this.log = new LogFollower(runDir);
    this.live = feed.isLive('run', runId);
    this.liveSub = feed.onRunEvent(runId, (e) => void this.onLive(e).catch(onError));
    this.poller = new Poller(() => this.follow(), () => (this.header?.state === 'running' ? this.timing.activeMs : this.timing.idleMs), onError);
  }

  /** Reads the run's files; then follows them (unless live). Throws when run.json cannot be read. */
  async start(): Promise<void> {
    this.runMtime = await this.mtime();
    try {
      this.header = await readRunHeader(this.runDir, this.live);
    } catch (err) {
      // Opened as the run starts, before the runtime wrote run.json: `run/started` fills the header in.
      if (!this.live) throw err;
      this.header = { runId: this.runId, runDir: this.runDir, name: this.runId, state: 'running', hyperparameters: {} };
    }
    this.points.push(...(await this.metrics.read()).points);
    this.logTail = await this.log.initial();
    const early = this.early ?? [];
    this.early = undefined;
    for (const e of early) await this.onLive(e);
    this.poller.start();
  }

  get isLive(): boolean {
    return this.live;
  }

  get runHeader(): RunHeader {
    return this.header;
  }

  snapshot(): RunSnapshot {
    const snapshot: RunSnapshot = { kind: 'run', header: this.header, points: [...this.points], logTail: [...this.logTail], live: this.live };
    if (this.progress) snapshot.progress = this.progress;
    return snapshot;
  }

  dispose(): void {
    this.poller.dispose();
    this.liveSub.dispose();
  }

  private async mtime(): Promise<number> {
    try {
      return (await stat(join(this.runDir, RUN_FILE))).mtimeMs;
    } catch {
      return 0;
    }
  }

  private addPoints(points: EpochPoint[]): void {
    if (!points.length) return;
    this.points.push(...points);
    this.sink.runUpdate({ points });
  }

  private addLog(lines: readonly string[]): void {
    if (!lines.length) return;
    this.logTail.push(...lines);
    if (this.logTail.length > LOG_TAIL_LINES) this.logTail.splice(0, this.logTail.length - LOG_TAIL_LINES);
    this.sink.runUpdate({ log: lines });
  }

  private async refreshHeader(): Promise<void> {
    this.runMtime = await this.mtime();
    this.header = await readRunHeader(this.runDir, this.live);
    this.sink.runUpdate({ header: this.header });
  }

  /** One look at the files: run.json when it changed, new metric events, new log lines. */
  private async follow(): Promise<void> {
    if (this.live) return;
    const { points, statusChanged } = await this.metrics.read();
    this.addPoints(points);
    this.addLog(await this.log.read());
    if (statusChanged || (await this.mtime()) !== this.runMtime) await this.refreshHeader();
  }

  private async onLive(e: RunEvent): Promise<void> {
    if (this.early) {
      this.early.push(e);
      return;
    }
    if (!this.live && e.type !== 'ended') {
      this.live = true;
      this.sink.liveChanged('run', true);
    }
    switch (e.type) {
      case 'started':
        await this.refreshHeader();
        break;
      case 'progress': {
        const { runId: _runId, ...progress } = e.params;
        this.progress = progress;
        this.sink.runUpdate({ progress });
        break;
      }
      case 'epoch':
        this.addPoints(this.metrics.fresh([{ step: e.params.epoch, metrics: e.params.metrics }]));
        if (this.header.epochs !== e.params.epochs) {
          this.header = { ...this.header, epochs: e.params.epochs };
          this.sink.runUpdate({ header: this.header });
        }
        break;
      case 'log':
        this.addLog([`${new Date().toISOString()} [${e.params.level}] ${e.params.message}`]);
        break;
      case 'ended':
        this.live = false;
        this.sink.liveChanged('run', false);
        this.progress = undefined;
        // The log lines came as notifications; the files' copies would repeat them. Points are deduplicated by step.
        await this.log.skipToEnd();
        await this.refreshHeader();
        await this.poller.now();
        break;
    }
  }
}
