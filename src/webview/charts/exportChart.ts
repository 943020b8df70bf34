/**
 * Chart and table exports. Webviews cannot download, so every export goes to the host as a `saveExport`
 * request (PNG as base64, SVG and CSV as text) and the host shows a save dialog.
 */
import type { Host } from '../host';
import type { Notices } from '../ui/dom';
import { echarts, type ECharts } from './echarts';

export type ExportFormat = 'png' | 'svg' | 'csv';

export class Exporter {
  constructor(
    private readonly host: Host,
    private readonly notices: Notices,
  ) {}

  async save(suggestedName: string, data: string, encoding: 'utf8' | 'base64'): Promise<void> {
    try {
      const r = await this.host.request('saveExport', { suggestedName, data, encoding });
      if (r.saved) this.notices.show(`Saved ${r.path ?? suggestedName}`);
    } catch (e) {
      this.notices.show(`Export failed: ${(e as Error).message}`, 'error');
    }
  }

  png(chart: ECharts, name: string, background: string): Promise<void> {
    const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
    return this.save(`${name}.png`, url.slice(url.indexOf(',') + 1), 'base64');
  }

  svg(chart: ECharts, name: string, background: string): Promise<void> {
    return this.save(`${name}.svg`, chartToSvg(chart, background), 'utf8');
  }

  csv(text: string, name: string): Promise<void> {
    return this.save(`${name}.csv`, text, 'utf8');
  }
}

/**
 * The live chart draws on canvas; SVG comes from a second, DOM-less instance with the SVG renderer given the
 * same option and size. Progressive rendering is switched off there so every line ends up in the file.
 */
export function chartToSvg(chart: ECharts, background: string): string {
  const svgChart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() });
  try {
    const option = chart.getOption() as { series?: Record<string, unknown>[] } & Record<string, unknown>;
    const series = (option.series ?? []).map((s) => ({ ...s, progressive: 0 }));
    svgChart.setOption({ ...option, series, animation: false, backgroundColor: background });
    return svgChart.renderToSVGString();
  } finally {
    svgChart.dispose();
  }
}
