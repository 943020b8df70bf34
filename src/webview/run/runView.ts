/**
 * The run view: header (state, backend/device, epochs), epoch progress, live metric charts (each metric
 * with its val_ partner), hyperparameters, the bundle's signature and the log tail. Updates mark parts
 * dirty; one animation frame repaints them.
 */
import type { HostMessage, RunSnapshot } from '../../protocol/webviewProtocol';
import { ChartCard } from '../charts/chartCard';
import type { Exporter } from '../charts/exportChart';
import { axisStyle, baseOption } from '../charts/theme';
import type { Host } from '../host';
import { formatNumber, formatValue, h, type Notices } from '../ui/dom';
import { groupMetrics } from './metricGroups';
import { RunStore } from './runStore';
import { NextFrame } from '../ui/nextFrame';

export class RunView {
  readonly el: HTMLElement;
  private readonly store: RunStore;
  private readonly title = h('h2', { 'data-role': 'run-name' });
  private readonly state = h('span', { class: 'badge', 'data-role': 'run-state' });
  private readonly facts = h('div', { class: 'facts' });
  private readonly progressFill = h('div', { class: 'progress-fill' });
  private readonly progressText = h('span', { 'data-role': 'run-progress' });
  private readonly error = h('div', { class: 'message error' });
  private readonly stopButton: HTMLButtonElement;
  private readonly registerButton: HTMLButtonElement;
  private readonly serveButton: HTMLButtonElement;
  private readonly charts = h('div', { class: 'run-charts' });
  private readonly cards = new Map<string, ChartCard>();
  private readonly details = h('div', { class: 'run-details' });
  private readonly logEl = h('pre', { class: 'log', 'data-role': 'log', tabindex: 0 });
  private readonly nextFrame = new NextFrame(() => this.render());
  private dirty = { header: true, charts: true, log: true };

  constructor(
    private readonly host: Host,
    private readonly notices: Notices,
    private readonly exporter: Exporter,
    snapshot: RunSnapshot,
  ) {
    this.store = new RunStore(snapshot);
    const button = (text: string, title: string, onClick: () => void, secondary = true) => {
      const b = h('button', { class: secondary ? 'button secondary' : 'button', text, title });
      b.addEventListener('click', onClick);
      return b;
    };
    const runId = () => this.store.header.runId;
    this.stopButton = button('Stop', 'Stop this run', () => void this.call('Stop run', () => host.request('stopRun', {})), false);
    this.stopButton.dataset.action = 'stopRun';
    const open = button('Open run folder', "Reveal the run's folder", () => void this.call('Open run folder', () => host.request('openRunFolder', { runId: runId() })));
    this.registerButton = button('Register model', "Register the run's model bundle as a new model version", () =>
      void this.call('Register model', async () => {
        const r = await host.request('registerModel', { runId: runId() });
        if (r.version) notices.show(`Registered ${r.model ?? 'model'} version ${r.version}`);
      }),
    );
    this.serveButton = button('Serve model', "Serve the run's model bundle on a local endpoint", () =>
      void this.call('Serve model', async () => {
        const r = await host.request('serveModel', { runId: runId() });
        if (r.url) notices.show(`Serving at ${r.url}`);
      }),
    );
    this.el = h(
      'div',
      { class: 'run-view' },
      h(
        'header',
        { class: 'view-header' },
        h('div', { class: 'title-line' }, this.title, this.state),
        this.facts,
        h('div', { class: 'progress-line' }, h('div', { class: 'progress', role: 'progressbar' }, this.progressFill), this.progressText),
        this.error,
        h('div', { class: 'actions' }, this.stopButton, open, this.registerButton, this.serveButton),
      ),
      this.charts,
      this.details,
      h('section', { class: 'log-section' }, h('h3', { text: 'Log' }), this.logEl),
    );
    this.schedule();
  }

  onMessage(m: HostMessage): void {
    if (m.type !== 'run/update') return;
    // `live` changes when this window starts or stops running the run: the Stop button follows it.
    if (m.live !== undefined && m.live !== this.store.live) {
      this.store.live = m.live;
      this.dirty.header = true;
    }
    if (m.header) {
      this.store.header = m.header;
      this.dirty.header = true;
    }
    if (m.progress) {
      this.store.progress = m.progress;
      this.dirty.header = true;
    }
    if (m.points?.length) {
      this.store.addPoints(m.points);
      this.dirty.charts = true;
      this.dirty.header = true;
    }
    if (m.log?.length) {
      this.store.addLog(m.log);
      this.dirty.log = true;
    }
    this.schedule();
  }

  private schedule(): void {
    this.nextFrame.request();
  }

  private render(): void {
    if (this.dirty.header) this.renderHeader();
    if (this.dirty.charts) this.renderCharts();
    if (this.dirty.log) this.renderLog();
    this.dirty = { header: false, charts: false, log: false };
  }

  private renderHeader(): void {
    const { header, progress, live } = this.store;
    this.title.textContent = header.name || header.runId;
    this.state.textContent = header.state;
    this.state.className = `badge state-${header.state}`;
    const fact = (label: string, value: string | undefined) => (value ? h('span', { class: 'fact' }, h('span', { class: 'label', text: label }), h('span', { text: value })) : undefined);
    this.facts.replaceChildren(
      ...[
        fact('Backend', header.backend ? `${header.backend.name} · ${header.backend.device}` : undefined),
        fact('Started', header.startedAt ? new Date(header.startedAt).toLocaleString() : undefined),
        fact('Ended', header.endedAt ? new Date(header.endedAt).toLocaleString() : undefined),
        fact('Best epoch', header.bestEpoch !== undefined ? String(header.bestEpoch) : undefined),
        fact('Early stopping', header.stoppedEarly ? 'stopped early' : undefined),
        fact('Spec', header.specFile),
      ].filter((x): x is HTMLElement => x !== undefined),
    );
    const { done, total } = this.store.epochFraction();
    this.progressFill.style.width = total ? `${Math.min(100, (100 * done) / total)}%` : '0%';
    const parts = [total ? `Epoch ${done} / ${total}` : `Epoch ${done}`];
    if (progress?.batch !== undefined && progress.batches) parts.push(`batch ${progress.batch} / ${progress.batches}`);
    if (progress?.loss !== undefined) parts.push(`loss ${formatNumber(progress.loss)}`);
    if (progress?.phase && header.state === 'running') parts.push(progress.phase);
    if (progress?.message) parts.push(progress.message);
    this.progressText.textContent = parts.join(' · ');
    this.error.textContent = header.error ?? '';
    this.error.hidden = !header.error;
    this.stopButton.hidden = !(live && header.state === 'running');
    this.registerButton.disabled = this.serveButton.disabled = !header.bundleDir;
    this.renderDetails();
  }

  private renderDetails(): void {
    const { header } = this.store;
    const table = (caption: string, rows: [string, string][], role: string) =>
      h('table', { class: 'kv', 'data-role': role }, h('caption', { text: caption }), h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', { text: v })))));
    const hp = Object.entries(header.hyperparameters).map(([k, v]): [string, string] => [k, formatValue(v)]);
    const parts: HTMLElement[] = [table('Hyperparameters', hp.length ? hp : [['—', 'none']], 'hyperparameters')];
    if (header.signature) {
      const s = header.signature;
      const rows: [string, string][] = [...s.inputs.map((i): [string, string] => [`in: ${i.name}`, i.type]), ['outputs', s.outputs.join(', ')]];
      if (s.labels?.length) rows.push(['labels', s.labels.join(', ')]);
      parts.push(table('Bundle signature', rows, 'signature'));
    }
    this.details.replaceChildren(...parts);
  }

  private renderCharts(): void {
    for (const group of groupMetrics(this.store.metricNames())) {
      let card = this.cards.get(group.base);
      if (!card) {
        const base = group.base;
        card = new ChartCard({
          name: `run-${base}`,
          title: base,
          exporter: this.exporter,
          build: (theme) => {
            const keys = groupMetrics(this.store.metricNames()).find((g) => g.base === base)?.keys ?? [];
            return {
              ...baseOption(theme),
              tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'axis' },
              legend: { top: 0, textStyle: { color: theme.foreground } },
              grid: { left: 56, right: 20, top: 32, bottom: 32 },
              xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 22, minInterval: 1, ...axisStyle(theme) },
              yAxis: { type: 'value', scale: true, ...axisStyle(theme) },
              series: keys.map((k) => ({
                type: 'line',
                name: k,
                showSymbol: this.store.points.length < 60,
                lineStyle: { type: k.startsWith('val_') ? 'dashed' : 'solid' },
                data: this.store.points.filter((p) => k in p.metrics).map((p) => [p.step, p.metrics[k]]),
              })),
            };
          },
          csv: () => {
            const keys = groupMetrics(this.store.metricNames()).find((g) => g.base === base)?.keys ?? [];
            return { header: ['step', ...keys], rows: this.store.points.map((p) => [p.step, ...keys.map((k) => p.metrics[k])]) };
          },
        });
        this.cards.set(base, card);
        this.charts.append(card.el);
        card.setVisible(true);
      }
      card.invalidate();
    }
    if (this.cards.size === 0) this.charts.replaceChildren(h('div', { class: 'chart-empty', text: 'No epoch has finished yet.' }));
    else this.charts.querySelector(':scope > .chart-empty')?.remove();
  }

  private renderLog(): void {
    const el = this.logEl;
    // Follow the tail unless the user scrolled up to read.
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    el.textContent = this.store.log.join('\n');
    if (atBottom) el.scrollTop = el.scrollHeight;
  }

  private async call(label: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.notices.show(`${label} failed: ${(e as Error).message}`, 'error');
    }
  }

  dispose(): void {
    this.nextFrame.cancel();
    for (const c of this.cards.values()) c.dispose();
  }
}
