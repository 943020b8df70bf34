/** Best objective so far against trial number, over every trial's final objective. */
import { ChartCard } from '../charts/chartCard';
import { axisStyle, baseOption } from '../charts/theme';
import { bestSoFar, type BestSoFarPoint } from './bestSoFar';
import type { StudyContext } from './studyContext';

export function createBestChart(ctx: StudyContext): ChartCard {
  let cache: { version: number; goal: string; points: BestSoFarPoint[] } | undefined;
  const points = () => {
    const { trialsVersion } = ctx.store;
    const { goal } = ctx.store.header;
    if (cache?.version !== trialsVersion || cache.goal !== goal) cache = { version: trialsVersion, goal, points: bestSoFar(ctx.store.trials.values(), goal) };
    return cache.points;
  };
  return new ChartCard({
    name: 'best',
    title: 'Best objective so far',
    exporter: ctx.exporter,
    minIntervalMs: 250,
    build: (theme) => {
      const p = points();
      if (p.length === 0) return 'No trial has finished yet.';
      const large = p.length > 2000;
      return {
        ...baseOption(theme),
        tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'item' },
        legend: { top: 0, textStyle: { color: theme.foreground } },
        grid: { left: 56, right: 24, top: 36, bottom: 36 },
        xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 24, minInterval: 1, ...axisStyle(theme) },
        yAxis: { type: 'value', name: ctx.store.header.metricTag, scale: true, ...axisStyle(theme) },
        series: [
          { type: 'scatter', name: 'objective', symbolSize: 4, large, itemStyle: { color: theme.muted, opacity: 0.6 }, data: p.map((x) => [x.trial, x.objective]) },
          { type: 'line', name: 'best so far', step: 'end', showSymbol: false, lineStyle: { width: 2 }, itemStyle: { color: theme.palette[0] }, data: p.map((x) => [x.trial, x.best]) },
        ],
      };
    },
    csv: () => ({ header: ['trial', 'objective', 'best_so_far'], rows: points().map((x) => [x.trialId, x.objective, x.best]) }),
  });
}
