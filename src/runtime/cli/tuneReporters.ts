/**
 * How `model-lab tune` shows a study: a live table of trials redrawn in place on a terminal, plain lines
 * in a log or pipe, or one JSON object per line (`--json`) ending with `{"type":"result",…}`.
 */
import type {
  LogLevel,
  StudyMeasurementParams,
  StudyStateParams,
  StudySuggestionParams,
  TrialStateParams,
  TuneResult,
} from '../../protocol/runtimeProtocol';
import { LiveBlock } from './liveTable';

export interface TuneReporter {
  study(p: StudyStateParams): void;
  suggestion(p: StudySuggestionParams): void;
  trial(p: TrialStateParams): void;
  measurement(p: StudyMeasurementParams): void;
  log(level: LogLevel, message: string): void;
  result(r: TuneResult): void;
  close(): void;
}

export function formatValue(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}

export function formatParameters(parameters: Record<string, number | string>): string {
  return Object.entries(parameters)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
}

export class JsonTuneReporter implements TuneReporter {
  private write(obj: object) {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  }
  study(p: StudyStateParams) {
    this.write({ type: 'study', ...p });
  }
  suggestion(p: StudySuggestionParams) {
    this.write({ type: 'suggestion', ...p });
  }
  trial(p: TrialStateParams) {
    this.write({ type: 'trialState', ...p });
  }
  measurement(p: StudyMeasurementParams) {
    this.write({ type: 'measurement', ...p });
  }
  log(level: LogLevel, message: string) {
    if (level !== 'debug' && level !== 'trace') this.write({ type: 'log', level, message });
  }
  result(r: TuneResult) {
    this.write({ type: 'result', ...r });
  }
  close() {}
}

function studyLine(p: StudyStateParams): string {
  const how = `${p.algorithm}, ${p.goal} ${p.hyperparameterMetricTag}, ${p.maxTrials} trials, ${p.parallel} in parallel`;
  return `${p.resumed ? 'resuming' : 'study'} ${p.studyId} (${how}) → ${p.studyDir}`;
}

function resultLines(r: TuneResult): string[] {
  const out = r.trainingOutput;
  const lines = [`study ${r.studyId} ${r.state}${r.message ? `: ${r.message}` : ''}; ${out.completedTrialCount} trials completed`];
  const best = out.trials.find((t) => t.finalMetric);
  if (best) {
    lines.push(`best: trial ${best.trialId} ${out.hyperparameterMetricTag}=${formatValue(best.finalMetric!.objectiveValue)} (${Object.entries(best.hyperparameters).map(([k, v]) => `${k}=${v}`).join(' ')}), run ${best.runId}`);
  }
  if (r.state !== 'SUCCEEDED') lines.push(`resume with: model-lab tune --resume ${r.studyId}`);
  return lines;
}

/** One line per change of a trial's state; measurements only with --verbose. */
export class PlainTuneReporter implements TuneReporter {
  constructor(private readonly verbose = false) {}
  protected say(line: string) {
    console.log(line);
  }
  study(p: StudyStateParams) {
    if (p.state === 'RUNNING') this.say(studyLine(p));
  }
  suggestion(p: StudySuggestionParams) {
    if (this.verbose) this.say(`${p.algorithm} suggested ${p.trials.length} in ${p.elapsedMs} ms`);
  }
  trial(p: TrialStateParams) {
    const best = p.best ? `; best so far ${formatValue(p.best.objective)} (trial ${p.best.trialId})` : '';
    switch (p.state) {
      case 'created':
        if (p.message) this.say(`trial ${p.trialId} ${p.message}`);
        break;
      case 'active':
        this.say(`trial ${p.trialId} started: ${formatParameters(p.parameters)} (run ${p.runId})`);
        break;
      case 'completed':
      case 'stopped':
        this.say(`trial ${p.trialId} ${p.state}${p.isTrialStoppedEarly ? ' early' : ''}: objective ${formatValue(p.finalMetric?.objectiveValue)} at step ${p.finalMetric?.trainingStep}${best}`);
        break;
      case 'failed':
        this.say(`trial ${p.trialId} failed: ${p.message ?? ''}`);
        break;
    }
  }
  measurement(p: StudyMeasurementParams) {
    if (this.verbose) this.say(`trial ${p.trialId} step ${p.step}: ${p.tag}=${formatValue(p.value)}`);
  }
  log(level: LogLevel, message: string) {
    if (level === 'info' || level === 'warn') this.say(level === 'warn' ? `warning: ${message}` : message);
    else if (level !== 'error' && this.verbose) this.say(message);
  }
  result(r: TuneResult) {
    for (const line of resultLines(r)) this.say(line);
  }
  close() {}
}

interface Row {
  trialId: string;
  state: string;
  parameters: Record<string, number | string>;
  value?: number;
  step?: number;
  final: boolean;
}

/** A live table of the trials (state, hyperparameters, objective, best so far), redrawn in place. */
export class LiveTuneReporter extends PlainTuneReporter {
  private readonly block = new LiveBlock(process.stdout);
  private readonly rows = new Map<string, Row>();
  private header?: StudyStateParams;
  private best?: { trialId: string; objective: number };
  private timer?: NodeJS.Timeout;

  protected override say(line: string) {
    this.block.print(line);
  }
  override study(p: StudyStateParams) {
    this.header = p;
    if (p.state === 'RUNNING') this.say(studyLine(p));
    this.redraw();
  }
  override trial(p: TrialStateParams) {
    const row = this.rows.get(p.trialId) ?? { trialId: p.trialId, state: p.state, parameters: p.parameters, final: false };
    row.state = p.state === 'stopped' && p.isTrialStoppedEarly ? 'stopped early' : p.state === 'created' ? 'queued' : p.state;
    if (p.state === 'active') {
      row.value = undefined;
      row.step = undefined;
    }
    if (p.finalMetric) {
      row.value = p.finalMetric.objectiveValue;
      row.step = p.finalMetric.trainingStep;
      row.final = true;
    }
    this.rows.set(p.trialId, row);
    this.best = p.best ?? this.best;
    if (p.state === 'failed' || (p.state === 'created' && p.message)) this.say(`trial ${p.trialId} ${p.state === 'failed' ? 'failed: ' : ''}${p.message ?? ''}`);
    this.scheduleRedraw();
  }
  override measurement(p: StudyMeasurementParams) {
    const row = this.rows.get(p.trialId);
    if (row && !row.final) {
      row.value = p.value;
      row.step = p.step;
    }
    this.scheduleRedraw();
  }
  override result(r: TuneResult) {
    this.redraw();
    this.block.done();
    for (const line of resultLines(r)) console.log(line);
  }
  override close() {
    if (this.timer) clearTimeout(this.timer);
    this.block.done();
  }

  /** At most ten redraws a second: epochs of small models end faster than a terminal should flicker. */
  private scheduleRedraw() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.redraw();
    }, 100);
  }

  private redraw() {
    const names = [...new Set([...this.rows.values()].flatMap((r) => Object.keys(r.parameters)))];
    const tag = this.header?.hyperparameterMetricTag ?? 'objective';
    const table = [['', 'trial', 'state', tag, 'step', ...names]];
    const rows = [...this.rows.values()].sort((a, b) => Number(a.trialId) - Number(b.trialId));
    // Too many for the screen: the running ones, the best, and the most recent.
    const room = Math.max(5, (process.stdout.rows || 40) - 8);
    const shown = rows.length <= room ? rows : rows.filter((r, i) => r.state === 'active' || r.trialId === this.best?.trialId || i >= rows.length - room / 2).slice(-room);
    for (const r of shown) {
      table.push([r.trialId === this.best?.trialId ? '*' : '', r.trialId, r.state, formatValue(r.value), r.step === undefined ? '' : String(r.step), ...names.map((n) => formatValue(r.parameters[n]))]);
    }
    const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
    const lines = table.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
    if (shown.length < rows.length) lines.push(`… ${rows.length - shown.length} more trials (model-lab study ${this.header?.studyId ?? ''})`);
    const count = (s: string) => rows.filter((r) => r.state === s || (s === 'stopped' && r.state === 'stopped early')).length;
    const best = this.best ? `best so far: ${tag}=${formatValue(this.best.objective)} (trial ${this.best.trialId})` : 'best so far: —';
    lines.push(`${best} · ${count('active')} running · ${count('completed')} completed · ${count('stopped')} stopped · ${count('failed')} failed · ${rows.length}/${this.header?.maxTrials ?? '?'} trials`);
    this.block.draw(lines);
  }
}
