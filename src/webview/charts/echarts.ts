/**
 * ECharts, tree-shaken to what the panel draws. Canvas renders the live charts (fast with 10,000 parallel
 * lines); the SVG renderer is registered only for SVG export (a server-side-rendering instance, no DOM).
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  CanvasRenderer,
  SVGRenderer,
]);

export { echarts };
export type ECharts = echarts.EChartsType;
export type ChartOption = echarts.EChartsCoreOption;
