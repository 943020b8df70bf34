/**
 * How `model-lab train` shows a run: a progress bar on a terminal, plain lines in a log or pipe,
 * or one JSON object per line for programs (`--json`).
 */
import { SingleBar } from 'cli-progress';
import type { LogLevel, RunEpochParams, RunProgressParams, RunStartedParams, TrainResult } from '../../protocol/runtimeProtocol';

export interface TrainReporter {
  started(p: RunStartedParams): void;
  progress(p: RunProgressParams): void;
  epoch(p: RunEpochParams): void;
  log(level: LogLevel, message: string): void;
  result(r: TrainResult): void;
  close(): void;
}

export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(4)}`)
    .join(' ');
}

function resultLine(r: TrainResult): string {
  const stop = r.stoppedEarly ? ', stopped early' : '';
  return `${r.status}: run ${r.runId}, ${r.epochsRun} epochs${stop}, kept epoch ${r.bestEpoch}: ${formatMetrics(r.metrics)}`;
}

export class JsonReporter implements TrainReporter {
  private write(obj: object) {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  }
  started(p: RunStartedParams) {
    this.write({ type: 'started', ...p });
  }
  progress() {
    // Batch progress would drown a consumer; epochs carry the useful signal.
  }
  epoch(p: RunEpochParams) {
    this.write({ type: 'epoch', ...p });
  }
  log(level: LogLevel, message: string) {
    if (level !== 'debug' && level !== 'trace') this.write({ type: 'log', level, message });
  }
  result(r: TrainResult) {
    this.write({ type: 'result', ...r });
  }
  close() {}
}

export class PlainReporter implements TrainReporter {
  constructor(private readonly verbose = false) {}
  started(p: RunStartedParams) {
    console.log(`run ${p.runId} → ${p.runDir}`);
  }
  progress(p: RunProgressParams) {
    if (p.phase !== 'training' && p.message && this.verbose) console.log(`${p.phase}: ${p.message}`);
  }
  epoch(p: RunEpochParams) {
    console.log(`epoch ${p.epoch}/${p.epochs} ${formatMetrics(p.metrics)} (${p.elapsedSeconds.toFixed(1)}s)`);
  }
  log(level: LogLevel, message: string) {
    if (level === 'info') console.log(message);
    // An error ends the command, which prints it once as its closing line.
    else if (level === 'warn') console.error(`warning: ${message}`);
    else if (level !== 'error' && this.verbose) console.log(message);
  }
  result(r: TrainResult) {
    console.log(resultLine(r));
    if (r.bundleDir) console.log(`model bundle: ${r.bundleDir}`);
  }
  close() {}
}

/** A bar per epoch (batches done, ETA, running loss); each finished epoch leaves one line above it. */
export class TerminalReporter extends PlainReporter {
  private readonly bar = new SingleBar({
    format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} batches | loss {loss} | ETA {eta_formatted}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    stream: process.stderr,
  });
  private active = false;
  private epochShown = 0;

  override progress(p: RunProgressParams) {
    if (p.phase !== 'training' || !p.batches || !p.batch) return super.progress(p);
    const payload = { epoch: p.epoch, epochs: p.epochs, loss: p.loss === undefined ? '…' : p.loss.toFixed(4) };
    if (!this.active || this.epochShown !== p.epoch) {
      if (this.active) this.bar.stop();
      this.bar.start(p.batches, p.batch, payload);
      this.active = true;
      this.epochShown = p.epoch ?? 0;
    } else {
      this.bar.update(p.batch, payload);
    }
  }
  private pause(print: () => void) {
    if (this.active) {
      this.bar.stop();
      this.active = false;
    }
    print();
  }
  override epoch(p: RunEpochParams) {
    this.pause(() => super.epoch(p));
  }
  override log(level: LogLevel, message: string) {
    this.pause(() => super.log(level, message));
  }
  override result(r: TrainResult) {
    this.pause(() => super.result(r));
  }
  override close() {
    if (this.active) this.bar.stop();
  }
}
