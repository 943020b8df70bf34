/** A run's state, updated in place from `init` and `run/update`. DOM-free. */
import type { EpochPoint, RunHeader, RunProgress, RunSnapshot } from '../../protocol/webviewProtocol';

/** Lines of log the panel keeps (the host sends a tail, then new lines). */
export const LOG_LINES = 1000;

export class RunStore {
  header: RunHeader;
  points: EpochPoint[];
  progress?: RunProgress;
  log: string[];
  live: boolean;
  pointsVersion = 0;

  constructor(s: RunSnapshot) {
    this.header = s.header;
    this.points = [...s.points].sort((a, b) => a.step - b.step);
    this.progress = s.progress;
    this.log = s.logTail.slice(-LOG_LINES);
    this.live = s.live;
  }

  /** Appends points in step order; a point for a step already present replaces it (a re-sent epoch). */
  addPoints(points: EpochPoint[]): void {
    for (const p of points) {
      const last = this.points[this.points.length - 1];
      if (!last || p.step > last.step) this.points.push(p);
      else {
        const i = this.points.findIndex((q) => q.step >= p.step);
        if (this.points[i].step === p.step) this.points[i] = p;
        else this.points.splice(i, 0, p);
      }
    }
    this.pointsVersion++;
  }

  addLog(lines: string[]): void {
    this.log.push(...lines);
    if (this.log.length > LOG_LINES) this.log.splice(0, this.log.length - LOG_LINES);
  }

  metricNames(): string[] {
    const names = new Set<string>();
    for (const p of this.points) for (const k of Object.keys(p.metrics)) names.add(k);
    return [...names];
  }

  /** Fraction of epochs done, from the live progress when there is one, else the header. */
  epochFraction(): { done: number; total?: number } {
    const total = this.progress?.epochs ?? this.header.epochs;
    const done = this.progress?.epoch ?? this.header.epochsRun ?? this.points.length;
    return { done, total };
  }
}
