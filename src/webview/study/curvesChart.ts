/** Learning curves of the selected trials, overlaid, for one metric at a time (the study's metric by default). */
import { ChartCard } from '../charts/chartCard';
import { axisStyle, baseOption } from '../charts/theme';
import { h } from '../ui/dom';
import { MAX_CURVES, type StudyContext } from './studyContext';

export class CurvesChart {
  readonly card: ChartCard;
  private readonly metricSelect: HTMLSelectElement;
  /** Not a possible key: the first invalidate() fills the metric list. */
  private metricsKey = '\u0001';

  constructor(private readonly ctx: StudyContext) {
    this.metricSelect = h('select', { 'aria-label': 'Metric', 'data-role': 'curve-metric' });
    this.metricSelect.addEventListener('change', () => {
      ctx.ui.curveMetric = this.metricSelect.value;
      ctx.persist();
      this.card.invalidate();
    });
    this.card = new ChartCard({
      name: 'curves',
      title: 'Learning curves',
      controls: [this.metricSelect],
      exporter: ctx.exporter,
      build: (theme) => {
        const metric = this.metric();
        const runs = this.selectedRuns();
        if (runs.length === 0) return 'Select trials in the table to overlay their learning curves.';
        const bestId = ctx.store.best()?.trialId;
        const series = runs.map(({ trialId, runId }) => ({
          type: 'line',
          name: `#${trialId}`,
          id: runId,
          showSymbol: false,
          // Thousands of points per curve: sampling keeps the canvas work bounded by its width.
          sampling: 'lttb',
          lineStyle: { width: trialId === bestId ? 2.5 : 1.5 },
          data: (ctx.curves.get(runId) ?? []).filter((p) => metric in p.metrics).map((p) => [p.step, p.metrics[metric]]),
        }));
        return {
          ...baseOption(theme),
          tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'axis' },
          legend: { type: 'scroll', top: 0, textStyle: { color: theme.foreground } },
          grid: { left: 56, right: 24, top: 36, bottom: 36 },
          xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, minInterval: 1, ...axisStyle(theme) },
          yAxis: { type: 'value', name: metric, scale: true, ...axisStyle(theme) },
          series,
        };
      },
      csv: () => {
        const metric = this.metric();
        const rows = this.selectedRuns().flatMap(({ trialId, runId }) =>
          (ctx.curves.get(runId) ?? []).filter((p) => metric in p.metrics).map((p) => [trialId, runId, p.step, p.metrics[metric]]),
        );
        return { header: ['trial', 'runId', 'step', metric], rows };
      },
    });
  }

  /** The selected trials whose curves are shown (capped), in selection order. */
  selectedRuns(): { trialId: string; runId: string }[] {
    const out: { trialId: string; runId: string }[] = [];
    for (const id of this.ctx.ui.selected) {
      const t = this.ctx.store.trials.get(id);
      if (t?.runId) out.push({ trialId: id, runId: t.runId });
      if (out.length >= MAX_CURVES) break;
    }
    return out;
  }

  private metric(): string {
    const names = this.ctx.curves.metricNames();
    const wanted = this.ctx.ui.curveMetric ?? this.ctx.store.header.metricTag;
    return names.includes(wanted) || names.length === 0 ? wanted : names.includes('loss') ? 'loss' : names[0];
  }

  /** New points arrived: refresh the metric list if it grew, and redraw. */
  invalidate(): void {
    const names = this.ctx.curves.metricNames();
    const key = names.join('\u0000');
    if (key !== this.metricsKey) {
      this.metricsKey = key;
      const current = this.metric();
      this.metricSelect.replaceChildren(...(names.length ? names : [current]).map((n) => h('option', { value: n, text: n })));
      this.metricSelect.value = current;
    }
    this.card.invalidate();
  }
}
