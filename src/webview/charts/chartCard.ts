/**
 * One chart in the panel: a toolbar (title, the chart's own controls, PNG/SVG/CSV export) and an ECharts
 * instance created the first time the card is visible. Data changes only mark the card dirty; the redraw
 * happens in the next animation frame (many messages → one redraw), and not at all while the card is hidden.
 * Heavy charts (10,000 lines) may ask for a minimum interval between redraws.
 */
import type { CsvCell } from './csv';
import { toCsv } from './csv';
import { echarts, type ChartOption, type ECharts } from './echarts';
import type { Exporter } from './exportChart';
import { chartTheme, type ChartTheme } from './theme';
import { h } from '../ui/dom';

export interface ChartCardOptions {
  /** File name stem and test id. */
  name: string;
  title: string;
  /** The full option from the current data, or a reason there is nothing to draw. */
  build: (theme: ChartTheme) => ChartOption | string;
  /** The data behind the chart, for CSV export. */
  csv: () => { header: string[]; rows: CsvCell[][] };
  exporter: Exporter;
  controls?: HTMLElement[];
  /** Least time between two redraws (trailing redraw guaranteed); a function when it depends on the data size. */
  minIntervalMs?: number | (() => number);
  /** Components whose option replaces instead of merging (default: series). */
  replaceMerge?: string[];
  onCreate?: (chart: ECharts) => void;
}

const registry = new Map<string, ChartCard>();

/** Charts by name, for the harness and tests (e.g. `modelLab.chartOption('curves')`). */
export function chartByName(name: string): ChartCard | undefined {
  return registry.get(name);
}

/** Redraws every chart with the current theme's colours (VS Code switches the body's theme class). */
export function invalidateAllCharts(): void {
  for (const card of registry.values()) card.invalidate();
}

export class ChartCard {
  readonly el: HTMLElement;
  chart?: ECharts;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  private visible = false;
  private dirty = true;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDraw = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor(private readonly options: ChartCardOptions) {
    const exportButton = (format: 'png' | 'svg' | 'csv') => {
      const b = h('button', { class: 'small-button', 'data-export': format, title: `Export ${format.toUpperCase()}`, text: format.toUpperCase() });
      b.addEventListener('click', () => void this.export(format));
      return b;
    };
    this.body = h('div', { class: 'chart-body' });
    this.empty = h('div', { class: 'chart-empty' });
    this.el = h(
      'section',
      { class: 'chart-card', 'data-chart': options.name },
      h('div', { class: 'chart-toolbar' }, h('h3', { text: options.title }), ...(options.controls ?? []), h('span', { class: 'spacer' }), exportButton('png'), exportButton('svg'), exportButton('csv')),
      h('div', { class: 'chart-frame' }, this.body, this.empty),
    );
    this.resizeObserver = new ResizeObserver(() => this.chart?.resize());
    registry.set(options.name, this);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.el.hidden = !visible;
    if (visible) {
      this.resizeObserver.observe(this.body);
      this.schedule();
    } else this.resizeObserver.unobserve(this.body);
  }

  /** The data changed: redraw in the next frame if visible. */
  invalidate(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.visible || !this.dirty || this.frame || this.timer) return;
    const { minIntervalMs = 0 } = this.options;
    const wait = (typeof minIntervalMs === 'function' ? minIntervalMs() : minIntervalMs) - (performance.now() - this.lastDraw);
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws now (also used before exporting, so the file shows the latest data). */
  draw(): void {
    if (!this.visible) return;
    this.dirty = false;
    this.lastDraw = performance.now();
    const theme = chartTheme();
    const option = this.options.build(theme);
    if (typeof option === 'string') {
      this.empty.textContent = option;
      this.empty.hidden = false;
      this.chart?.clear();
      return;
    }
    this.empty.hidden = true;
    if (!this.chart) {
      this.chart = echarts.init(this.body, null, { renderer: 'canvas' });
      this.options.onCreate?.(this.chart);
    }
    this.chart.setOption(option, { replaceMerge: this.options.replaceMerge ?? ['series'] });
  }

  private async export(format: 'png' | 'svg' | 'csv'): Promise<void> {
    const { exporter, name } = this.options;
    if (format === 'csv') {
      const { header, rows } = this.options.csv();
      return exporter.csv(toCsv(header, rows), name);
    }
    if (this.dirty) this.draw();
    if (!this.chart) return;
    const bg = chartTheme().background;
    return format === 'png' ? exporter.png(this.chart, name, bg) : exporter.svg(this.chart, name, bg);
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.resizeObserver.disconnect();
    this.chart?.dispose();
    registry.delete(this.options.name);
  }
}
