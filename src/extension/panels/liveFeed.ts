/**
 * What a panel's data source needs from the JobTracker: whether this window runs a job, and its events.
 * An interface (JobTracker satisfies it) so the sources stay free of `vscode` and run in unit tests.
 */
import type { RunEvent, StudyEvent } from '../jobs/jobTracker';

export interface LiveFeed {
  isLive(kind: 'run' | 'study', id: string): boolean;
  onRunEvent(runId: string, listener: (e: RunEvent) => void): { dispose(): unknown };
  onStudyEvent(studyId: string, listener: (e: StudyEvent) => void): { dispose(): unknown };
}

/** How often a source re-reads the files of a job that runs elsewhere (a CLI study), and of a finished one. */
export interface FollowTiming {
  /** While the job runs and this window does not run it. */
  activeMs: number;
  /** While it is finished: only a resume (from the CLI) would change it. */
  idleMs: number;
}

/**
 * 100 ms while running keeps a followed epoch within the 200 ms budget (plus the coalescer's 50 ms);
 * a look is an open + fstat per file, so even a dozen followed runs cost little.
 */
export const DEFAULT_FOLLOW: FollowTiming = { activeMs: 100, idleMs: 2000 };

/** Runs `tick` every interval (chosen anew after each tick); never two at once, errors logged, not fatal. */
export class Poller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly interval: () => number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    if (!this.timer) this.timer = setTimeout(() => void this.run(), this.interval());
  }

  /** Runs a tick now (then keeps the cadence). */
  now(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    return this.run();
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): Promise<void> {
    this.timer = undefined;
    // Ticks are chained, so a `now()` during a timed tick waits for it instead of reading the same bytes twice.
    this.chain = this.chain.then(async () => {
      try {
        await this.tick();
      } catch (err) {
        this.onError(err);
      }
      if (!this.stopped && !this.timer) this.timer = setTimeout(() => void this.run(), this.interval());
    });
    return this.chain;
  }
}
