/** Objective against one hyperparameter (picked in the toolbar); clicking a point selects its trial. */
import type { TrialRow } from '../../protocol/webviewProtocol';
import { ChartCard } from '../charts/chartCard';
import { axisStyle, baseOption } from '../charts/theme';
import { h } from '../ui/dom';
import type { StudyContext } from './studyContext';
import { shownObjective } from './trialQuery';

export class ScatterChart {
  readonly card: ChartCard;
  private readonly paramSelect: HTMLSelectElement;
  private paramsKey = '';

  constructor(
    private readonly ctx: StudyContext,
    onPick: (trialId: string) => void,
  ) {
    this.paramSelect = h('select', { 'aria-label': 'Parameter', 'data-role': 'scatter-param' });
    this.paramSelect.addEventListener('change', () => {
      ctx.ui.scatterParam = this.paramSelect.value;
      ctx.persist();
      this.card.invalidate();
    });
    const points = (param: string) => {
      const out: TrialRow[] = [];
      for (const t of ctx.store.trials.values()) if (t.objective !== undefined && t.parameters[param] !== undefined) out.push(t);
      return out;
    };
    this.card = new ChartCard({
      name: 'scatter',
      title: 'Objective vs parameter',
      controls: [this.paramSelect],
      exporter: ctx.exporter,
      minIntervalMs: 250,
      onCreate: (chart) =>
        chart.on('click', (e: unknown) => {
          const value = (e as { value?: unknown[] }).value;
          if (Array.isArray(value) && typeof value[2] === 'string') onPick(value[2]);
        }),
      build: (theme) => {
        const param = this.param();
        if (!param) return 'The study has no parameters.';
        const info = ctx.store.header.params.find((p) => p.name === param);
        const cats = ctx.store.categories().get(param);
        const data = points(param).map((t) => [cats ? String(t.parameters[param]) : t.parameters[param], shownObjective(t), t.trialId]);
        if (data.length === 0) return 'No trial has finished yet.';
        const bestId = ctx.store.best()?.trialId;
        const log = info?.scale === 'UNIT_LOG_SCALE' && (info.min ?? 0) > 0;
        return {
          ...baseOption(theme),
          tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'item' },
          grid: { left: 56, right: 24, top: 24, bottom: 40 },
          xAxis: { ...(cats ? { type: 'category', data: cats } : { type: log ? 'log' : 'value', scale: true }), name: param, nameLocation: 'middle', nameGap: 26, ...axisStyle(theme) },
          yAxis: { type: 'value', name: ctx.store.header.metricTag, scale: true, ...axisStyle(theme) },
          series: [
            { type: 'scatter', name: 'trials', symbolSize: 5, large: data.length > 2000, itemStyle: { opacity: 0.7 }, data },
            { type: 'scatter', name: 'best', symbolSize: 12, symbol: 'diamond', itemStyle: { color: theme.highlight }, data: data.filter((d) => d[2] === bestId) },
          ],
        };
      },
      csv: () => {
        const param = this.param() ?? '';
        return { header: ['trial', param, 'objective'], rows: points(param).map((t) => [t.trialId, t.parameters[param], t.objective]) };
      },
    });
  }

  private param(): string | undefined {
    const names = this.ctx.store.header.params.map((p) => p.name);
    return this.ctx.ui.scatterParam && names.includes(this.ctx.ui.scatterParam) ? this.ctx.ui.scatterParam : names[0];
  }

  invalidate(): void {
    const names = this.ctx.store.header.params.map((p) => p.name);
    const key = names.join('\u0000');
    if (key !== this.paramsKey) {
      this.paramsKey = key;
      this.paramSelect.replaceChildren(...names.map((n) => h('option', { value: n, text: n })));
    }
    const p = this.param();
    if (p) this.paramSelect.value = p;
    this.card.invalidate();
  }
}
