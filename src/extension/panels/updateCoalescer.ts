/**
 * Batches a panel's live changes: sources report every change as it happens (a trial's measurement, an
 * epoch, a log line); the coalescer merges them — trials by id, the latest header and progress, points
 * per run — and posts at most one message per `intervalMs`. A study with many parallel trials then
 * costs the webview a handful of messages a second however fast the runtime reports, and a burst never
 * queues stale copies of the same row. When several kinds are pending (trials and curves), they go out
 * on successive ticks, so the one-message-per-interval promise of the protocol holds.
 */
import type {
  CurveSeries,
  EpochPoint,
  HostMessage,
  RunHeader,
  RunProgress,
  StudyHeader,
  TrialRow,
} from '../../protocol/webviewProtocol';

/** Log lines kept between two flushes: a burst beyond this shows only its end (the log file has it all). */
const MAX_PENDING_LOG = 500;

type Kind = 'study' | 'curves' | 'run';

export class UpdateCoalescer {
  private studyHeader: StudyHeader | undefined;
  private readonly trials = new Map<string, TrialRow>();
  private readonly curves = new Map<string, CurveSeries>();
  private runHeader: RunHeader | undefined;
  private runPoints: EpochPoint[] = [];
  private progress: RunProgress | undefined;
  private log: string[] = [];
  private studyLive: boolean | undefined;
  private runLive: boolean | undefined;
  /** Kinds with pending changes, oldest first: each tick serves the one waiting longest. */
  private readonly order: Kind[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPost = -Infinity;
  private paused = false;
  private disposed = false;

  constructor(
    private readonly post: (message: HostMessage) => void,
    readonly intervalMs: number,
  ) {}

  studyUpdate(header?: StudyHeader, trials?: readonly TrialRow[]): void {
    if (header) this.studyHeader = header;
    // Copies: the study model mutates its rows in place after this call.
    for (const t of trials ?? []) this.trials.set(t.trialId, { ...t });
    if (header || trials?.length) this.mark('study');
  }

  /** This window started or stopped running the panel's job. */
  liveChanged(kind: 'study' | 'run', live: boolean): void {
    if (kind === 'study') this.studyLive = live;
    else this.runLive = live;
    this.mark(kind);
  }

  curvePoints(runId: string, points: readonly EpochPoint[], trialId?: string): void {
    if (!points.length) return;
    let series = this.curves.get(runId);
    if (!series) this.curves.set(runId, (series = { runId, points: [], ...(trialId ? { trialId } : {}) }));
    series.points.push(...points);
    this.mark('curves');
  }

  runUpdate(change: { header?: RunHeader; points?: readonly EpochPoint[]; progress?: RunProgress; log?: readonly string[] }): void {
    if (change.header) this.runHeader = change.header;
    if (change.points?.length) this.runPoints.push(...change.points);
    if (change.progress) this.progress = change.progress;
    if (change.log?.length) {
      this.log.push(...change.log);
      if (this.log.length > MAX_PENDING_LOG) this.log = this.log.slice(-MAX_PENDING_LOG);
    }
    if (change.header || change.points?.length || change.progress || change.log?.length) this.mark('run');
  }

  /** Drops everything pending (a new `init` snapshot supersedes it). */
  clear(): void {
    this.studyHeader = undefined;
    this.trials.clear();
    this.curves.clear();
    this.runHeader = undefined;
    this.runPoints = [];
    this.progress = undefined;
    this.log = [];
    this.studyLive = this.runLive = undefined;
    this.order.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Holds messages back (the webview is not ready yet); `resume` sends what accumulated. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  get pending(): boolean {
    return this.order.length > 0;
  }

  /** Sends the oldest pending kind now, regardless of the interval (tests, and a final flush). */
  flushOne(): HostMessage | undefined {
    const kind = this.order.shift();
    if (!kind) return undefined;
    const message = this.take(kind);
    this.lastPost = Date.now();
    if (message) this.post(message);
    return message;
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private mark(kind: Kind): void {
    if (!this.order.includes(kind)) this.order.push(kind);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.paused || this.disposed || !this.order.length) return;
    const wait = Math.max(0, this.lastPost + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.paused || this.disposed) return;
      this.flushOne();
      this.schedule();
    }, wait);
  }

  private take(kind: Kind): HostMessage | undefined {
    switch (kind) {
      case 'study': {
        const message: HostMessage = { type: 'study/update' };
        if (this.studyHeader) message.header = this.studyHeader;
        if (this.trials.size) message.trials = [...this.trials.values()];
        if (this.studyLive !== undefined) message.live = this.studyLive;
        this.studyHeader = undefined;
        this.studyLive = undefined;
        this.trials.clear();
        return message;
      }
      case 'curves': {
        const message: HostMessage = { type: 'curves/append', series: [...this.curves.values()] };
        this.curves.clear();
        return message;
      }
      case 'run': {
        const message: HostMessage = { type: 'run/update' };
        if (this.runHeader) message.header = this.runHeader;
        if (this.runPoints.length) message.points = this.runPoints;
        if (this.progress) message.progress = this.progress;
        if (this.log.length) message.log = this.log;
        if (this.runLive !== undefined) message.live = this.runLive;
        this.runHeader = undefined;
        this.runLive = undefined;
        this.runPoints = [];
        this.progress = undefined;
        this.log = [];
        return message;
      }
    }
  }
}
