/**
 * Parallel coordinates: one axis per hyperparameter and the objective, one line per trial that has an
 * objective (10,000 lines render progressively on canvas). Dragging along an axis brushes it; the brushed
 * intervals filter the trial table. The brush lives in the UI state (axis id = `pa:<dimension>`), so it
 * survives redraws and reloads.
 */
import type { TrialRow } from '../../protocol/webviewProtocol';
import { ChartCard } from '../charts/chartCard';
import type { ECharts } from '../charts/echarts';
import { baseOption } from '../charts/theme';
import { h } from '../ui/dom';
import type { StudyContext } from './studyContext';
import { OBJECTIVE_DIM, dimensionValue, shownObjective, type BrushIntervals } from './trialQuery';

const AXIS_PREFIX = 'pa:';

export class ParallelCoordinates {
  readonly card: ChartCard;
  private readonly clearButton: HTMLButtonElement;
  private lines: TrialRow[] = [];
  private linesVersion = -1;

  constructor(
    private readonly ctx: StudyContext,
    private readonly onBrush: (brush: BrushIntervals) => void,
  ) {
    this.clearButton = h('button', { class: 'small-button', 'data-role': 'clear-brush', text: 'Clear brush', title: 'Remove all axis brushes' });
    this.clearButton.addEventListener('click', () => this.clear());
    this.card = new ChartCard({
      name: 'parallel',
      title: 'Parallel coordinates',
      controls: [h('span', { class: 'hint', text: 'Drag along an axis to filter the table' }), this.clearButton],
      exporter: ctx.exporter,
      // Redrawing 10,000 lines costs ~100 ms: at most twice a second while trials stream in, less often for
      // big studies, so the panel stays responsive between redraws.
      minIntervalMs: () => Math.max(500, this.currentLines().length / 5),
      onCreate: (chart) => this.listen(chart),
      build: (theme) => {
        const lines = this.currentLines();
        if (lines.length === 0) return 'No trial has an objective yet.';
        const dims = this.dimensions();
        const cats = ctx.store.categories();
        const bestId = ctx.store.best()?.trialId;
        const values = (t: TrialRow) => dims.map((d) => {
          const v = dimensionValue(t, d, cats);
          return v === undefined ? null : v;
        });
        const params = new Map(ctx.store.header.params.map((p) => [p.name, p]));
        return {
          ...baseOption(theme),
          tooltip: undefined,
          parallel: { left: 48, right: 72, top: 40, bottom: 28, parallelAxisDefault: { nameTextStyle: { color: theme.foreground }, axisLabel: { color: theme.muted }, axisLine: { lineStyle: { color: theme.grid } }, realtime: false } },
          parallelAxis: dims.map((d, i) => {
            const c = cats.get(d);
            const p = params.get(d);
            const log = p?.scale === 'UNIT_LOG_SCALE' && (p.min ?? 0) > 0;
            return {
              id: AXIS_PREFIX + d,
              dim: i,
              name: d,
              ...(c ? { type: 'category', data: c } : { type: log ? 'log' : 'value', scale: true }),
            };
          }),
          series: [
            {
              type: 'parallel',
              name: 'trials',
              lineStyle: { width: 1, opacity: lines.length > 2000 ? 0.25 : 0.5, color: theme.palette[0] },
              // While an axis is brushed: lines outside it nearly vanish, lines inside keep the normal opacity.
              inactiveOpacity: 0.03,
              activeOpacity: lines.length > 2000 ? 0.35 : 0.6,
              progressive: 1000,
              progressiveThreshold: 3000,
              // No hover states on 10,000 lines: they cost a style pass per line on every redraw.
              silent: true,
              emphasis: { disabled: true },
              data: lines.map(values),
            },
            {
              type: 'parallel',
              name: 'best',
              lineStyle: { width: 3, opacity: 1, color: theme.highlight },
              data: lines.filter((t) => t.trialId === bestId).map(values),
            },
          ],
        };
      },
      csv: () => ({ header: ['trial', ...this.dimensions()], rows: this.currentLines().map((t) => [t.trialId, ...this.dimensions().map((d) => (d === OBJECTIVE_DIM ? shownObjective(t) : t.parameters[d]))]) }),
    });
    this.syncClear();
  }

  private dimensions(): string[] {
    return [...this.ctx.store.header.params.map((p) => p.name), OBJECTIVE_DIM];
  }

  private currentLines(): TrialRow[] {
    if (this.linesVersion !== this.ctx.store.trialsVersion) {
      this.linesVersion = this.ctx.store.trialsVersion;
      this.lines = this.ctx.store.list().filter((t) => shownObjective(t) !== undefined);
    }
    return this.lines;
  }

  private listen(chart: ECharts): void {
    // Fired for the user's drags and for dispatched `axisAreaSelect` actions alike.
    chart.on('axisareaselected', (e: unknown) => {
      const { parallelAxisId, intervals } = e as { parallelAxisId?: string | string[]; intervals?: [number, number][] };
      const ids = Array.isArray(parallelAxisId) ? parallelAxisId : parallelAxisId ? [parallelAxisId] : [];
      const brush = { ...this.ctx.ui.brush };
      for (const id of ids) {
        if (!id.startsWith(AXIS_PREFIX)) continue;
        const dim = id.slice(AXIS_PREFIX.length);
        if (intervals && intervals.length > 0) brush[dim] = intervals.map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
        else delete brush[dim];
      }
      this.onBrush(brush);
      this.syncClear();
    });
    // A restored brush: draw it on the axes once they exist.
    queueMicrotask(() => this.applyBrush(this.ctx.ui.brush));
  }

  private applyBrush(brush: BrushIntervals): void {
    const chart = this.card.chart;
    if (!chart) return;
    for (const [dim, intervals] of Object.entries(brush)) chart.dispatchAction({ type: 'axisAreaSelect', parallelAxisId: AXIS_PREFIX + dim, intervals });
  }

  clear(): void {
    const chart = this.card.chart;
    const dims = Object.keys(this.ctx.ui.brush);
    this.onBrush({});
    if (chart) for (const dim of dims) chart.dispatchAction({ type: 'axisAreaSelect', parallelAxisId: AXIS_PREFIX + dim, intervals: [] });
    this.syncClear();
  }

  syncClear(): void {
    this.clearButton.disabled = Object.keys(this.ctx.ui.brush).length === 0;
  }
}
