/**
 * How `model-lab batch-predict` shows a job: a progress bar with rows/s and ETA on a terminal, a plain
 * line every few seconds in a log or pipe, or one JSON object per line for programs (`--json`).
 * Progress goes to stderr in the human forms so stdout holds only the summary.
 */
import { SingleBar } from 'cli-progress';
import type { BatchEvent, BatchJobResult, BatchProgress } from './runBatchPrediction';

export interface BatchReporter {
  event(e: BatchEvent): void;
  log(message: string): void;
  result(r: BatchJobResult): void;
  close(): void;
}

interface Rates {
  rows: number;
  rowsPerSecond: number;
  /** Seconds left, when the input size allows an estimate. */
  etaSeconds?: number;
  /** 0..1 of the input bytes read, when estimable. */
  fraction?: number;
}

/** Rates over this session: rows/s from its own rows, ETA from its own read speed over the bytes left. */
class RateMeter {
  private startBytes?: number;
  measure(p: BatchProgress): Rates {
    this.startBytes ??= p.bytesRead;
    const rows = p.predicted + p.failed;
    const t = p.elapsedSeconds;
    const rowsPerSecond = t > 0 ? p.sessionRows / t : 0;
    if (!p.estimable || p.totalBytes === 0) return { rows, rowsPerSecond };
    const fraction = Math.min(1, p.bytesRead / p.totalBytes);
    const speed = t > 0 ? (p.bytesRead - this.startBytes) / t : 0;
    return { rows, rowsPerSecond, fraction, etaSeconds: speed > 0 ? Math.max(0, p.totalBytes - p.bytesRead) / speed : undefined };
  }
}

const count = (n: number) => n.toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function summaryLines(r: BatchJobResult): string[] {
  const rows = r.predicted + r.failed;
  const head =
    r.status === 'already-complete'
      ? `already complete: ${count(rows)} rows (${count(r.predicted)} predicted, ${count(r.failed)} errors); nothing to do`
      : `${r.status}: ${count(rows)} rows (${count(r.predicted)} predicted, ${count(r.failed)} errors); ` +
        `this run ${count(r.sessionRows)} rows in ${r.elapsedSeconds.toFixed(1)}s, ${count(Math.round(r.rowsPerSecond))} rows/s`;
  const lines = [head];
  if (r.stoppedAfter) lines.push(`stopped after ${r.stoppedAfter}; run the same command again to continue`);
  lines.push(...r.files.map((f) => `  ${f}`));
  return lines;
}

export class JsonBatchReporter implements BatchReporter {
  private readonly meter = new RateMeter();
  private lastProgress = 0;
  private write(obj: object) {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  }
  event(e: BatchEvent) {
    if (e.type === 'started') {
      this.write({ ...e, progress: undefined, rows: e.progress.predicted + e.progress.failed });
      return;
    }
    // One progress object a second: enough to drive a bar, not enough to drown a consumer.
    const now = performance.now();
    if (now - this.lastProgress < 1000) return;
    this.lastProgress = now;
    this.write({ type: 'progress', predicted: e.progress.predicted, failed: e.progress.failed, ...this.meter.measure(e.progress) });
  }
  log(message: string) {
    this.write({ type: 'log', level: 'info', message });
  }
  result(r: BatchJobResult) {
    this.write({ type: 'result', ...r });
  }
  close() {}
}

export class PlainBatchReporter implements BatchReporter {
  protected readonly meter = new RateMeter();
  private lastLine = 0;
  event(e: BatchEvent) {
    if (e.type === 'started') {
      const from = e.resumed ? `, resuming after ${count(e.progress.predicted + e.progress.failed)} rows` : '';
      console.error(`batch prediction: ${e.inputs.length} input file(s) → ${e.outputDir} (${e.shards} shard(s), batch ${e.batchSize}${from})`);
      return;
    }
    const now = performance.now();
    if (now - this.lastLine < 5000) return;
    this.lastLine = now;
    console.error(this.progressLine(e.progress));
  }
  protected progressLine(p: BatchProgress): string {
    const r = this.meter.measure(p);
    const pct = r.fraction === undefined ? '' : `, ${(r.fraction * 100).toFixed(1)}%`;
    const eta = r.etaSeconds === undefined ? '' : `, ETA ${formatDuration(r.etaSeconds)}`;
    return `${count(r.rows)} rows (${count(p.failed)} errors), ${count(Math.round(r.rowsPerSecond))} rows/s${pct}${eta}`;
  }
  log(message: string) {
    console.error(message);
  }
  result(r: BatchJobResult) {
    for (const line of summaryLines(r)) console.log(line);
  }
  close() {}
}

/** A bar over the input bytes (or a running count when the input is compressed), redrawn at most 10×/s. */
export class TerminalBatchReporter extends PlainBatchReporter {
  private bar?: SingleBar;
  private lastDraw = 0;
  override event(e: BatchEvent) {
    if (e.type === 'started') return super.event(e);
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const r = this.meter.measure(e.progress);
    const payload = {
      rows: count(r.rows),
      errors: count(e.progress.failed),
      rate: count(Math.round(r.rowsPerSecond)),
      eta: r.etaSeconds === undefined ? '?' : formatDuration(r.etaSeconds),
    };
    const value = Math.round((r.fraction ?? 0) * 1000);
    if (!this.bar) {
      const format =
        r.fraction === undefined
          ? '{rows} rows | {errors} errors | {rate} rows/s'
          : '|{bar}| {percentage}% | {rows} rows | {errors} errors | {rate} rows/s | ETA {eta}';
      this.bar = new SingleBar({ format, barsize: 24, hideCursor: true, clearOnComplete: true, stream: process.stderr });
      this.bar.start(1000, value, payload);
    } else {
      this.bar.update(value, payload);
    }
  }
  override log(message: string) {
    this.stop();
    super.log(message);
  }
  override result(r: BatchJobResult) {
    this.stop();
    super.result(r);
  }
  override close() {
    this.stop();
  }
  private stop() {
    this.bar?.stop();
    this.bar = undefined;
  }
}
