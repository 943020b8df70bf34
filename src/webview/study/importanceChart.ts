/**
 * The parameter-importance estimate as a bar chart. The estimate runs at most once a second (the card's
 * redraw interval) and only when the trials changed, on at most 2,000 completed trials.
 */
import { ChartCard } from '../charts/chartCard';
import { axisStyle, baseOption } from '../charts/theme';
import { estimateImportance, importanceSamples, type ParamImportance } from './importance';
import type { StudyContext } from './studyContext';

const MAX_SAMPLES = 2000;

export function createImportanceChart(ctx: StudyContext): ChartCard {
  let cache: { version: number; result: ParamImportance[]; samples: number } | undefined;
  const result = () => {
    if (cache?.version !== ctx.store.trialsVersion) {
      const trials = ctx.store.list();
      cache = {
        version: ctx.store.trialsVersion,
        result: estimateImportance(trials, ctx.store.header.params, { maxSamples: MAX_SAMPLES }),
        samples: importanceSamples(trials, MAX_SAMPLES).length,
      };
    }
    return cache;
  };
  return new ChartCard({
    name: 'importance',
    title: 'Parameter importance',
    exporter: ctx.exporter,
    minIntervalMs: 1000,
    build: (theme) => {
      const { result: r, samples } = result();
      if (samples < 8) return 'Needs at least 8 finished trials.';
      const rows = [...r].reverse(); // ECharts draws category axes bottom-up
      return {
        ...baseOption(theme),
        tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'axis' },
        grid: { left: 120, right: 40, top: 28, bottom: 36 },
        xAxis: { type: 'value', name: `share of explained variance (${samples} trials)`, nameLocation: 'middle', nameGap: 24, max: 1, ...axisStyle(theme) },
        yAxis: { type: 'category', data: rows.map((x) => x.name), ...axisStyle(theme) },
        series: [{ type: 'bar', name: 'importance', data: rows.map((x) => Number(x.importance.toFixed(4))), itemStyle: { color: theme.palette[0] }, label: { show: true, position: 'right', color: theme.foreground, formatter: (p: { value: number }) => `${Math.round(p.value * 100)}%` } }],
      };
    },
    csv: () => ({ header: ['parameter', 'importance', 'explained_variance', 'spearman'], rows: result().result.map((x) => [x.name, x.importance, x.explained, x.spearman]) }),
  });
}
