/**
 * The study view: header and actions, filter bar, virtualised trial table, and the charts (one tab visible
 * at a time: hidden charts do no work). Messages only update the stores and mark parts dirty; the table
 * query and each chart redraw at most once per animation frame.
 */
import type { HostMessage, StudySnapshot, TrialRow, TrialRowState } from '../../protocol/webviewProtocol';
import { toCsv } from '../charts/csv';
import type { Exporter } from '../charts/exportChart';
import type { Host } from '../host';
import { h, type Notices } from '../ui/dom';
import { STUDY_TABS, type StudyTab, type StudyUi } from '../uiState';
import { createBestChart } from './bestChart';
import { CurvesChart } from './curvesChart';
import { createImportanceChart } from './importanceChart';
import { ParallelCoordinates } from './parallelCoordinates';
import { ScatterChart } from './scatterChart';
import type { StudyContext } from './studyContext';
import { StudyHeaderView } from './studyHeader';
import { CurveStore, StudyStore } from './studyStore';
import { TrialTable } from './trialTable';
import { TRIAL_STATES, queryTrials, type BrushIntervals } from './trialQuery';
import type { ChartCard } from '../charts/chartCard';
import { NextFrame } from '../ui/nextFrame';

const TAB_LABELS: Record<StudyTab, string> = {
  curves: 'Learning curves',
  best: 'Best so far',
  parallel: 'Parallel coordinates',
  scatter: 'Objective vs parameter',
  importance: 'Importance',
};

export class StudyView {
  readonly el: HTMLElement;
  private readonly ctx: StudyContext;
  private readonly header: StudyHeaderView;
  private readonly table: TrialTable;
  private readonly curvesChart: CurvesChart;
  private readonly parallel: ParallelCoordinates;
  private readonly scatter: ScatterChart;
  private readonly cards: Record<StudyTab, ChartCard>;
  private readonly tabButtons = new Map<StudyTab, HTMLButtonElement>();
  private readonly stateBoxes = new Map<TrialRowState, HTMLInputElement>();
  private readonly textInput: HTMLInputElement;
  private rows: TrialRow[] = [];
  private readonly nextFrame = new NextFrame(() => this.render());
  private needQuery = true;
  private needHeader = true;
  private subscribed = '';

  constructor(
    private readonly host: Host,
    private readonly notices: Notices,
    exporter: Exporter,
    snapshot: StudySnapshot,
    ui: StudyUi,
    persist: () => void,
  ) {
    this.ctx = { store: new StudyStore(snapshot), curves: new CurveStore(), ui, exporter, persist };
    const { store } = this.ctx;
    this.header = new StudyHeaderView({
      stopStudy: () => void this.call('Stop study', () => host.request('stopStudy', {})),
      stopTrial: () => {
        for (const t of this.selectedTrials()) if (t.state === 'running') void this.call(`Stop trial ${t.trialId}`, () => host.request('stopTrial', { trialId: t.trialId }));
      },
      openFolder: () => {
        const t = this.selectedTrials()[0] ?? store.best();
        if (t) void this.call('Open run folder', () => host.request('openRunFolder', { runId: t.runId }));
      },
      registerBest: () => this.withBest('Register model', (runId) => host.request('registerModel', { runId }), (r) => (r.version ? `Registered ${r.model ?? 'model'} version ${r.version}` : undefined)),
      serveBest: () => this.withBest('Serve model', (runId) => host.request('serveModel', { runId }), (r) => (r.url ? `Serving at ${r.url}` : undefined)),
    });
    this.table = new TrialTable({
      onSort: (sort) => {
        ui.sort = sort;
        this.changed(true);
      },
      onSelect: (ids) => this.select(ids),
      onAction: (action, t) => {
        if (action === 'stop') void this.call(`Stop trial ${t.trialId}`, () => host.request('stopTrial', { trialId: t.trialId }));
        else void this.call('Open run folder', () => host.request('openRunFolder', { runId: t.runId }));
      },
    });
    this.curvesChart = new CurvesChart(this.ctx);
    this.parallel = new ParallelCoordinates(this.ctx, (brush) => this.setBrush(brush));
    this.scatter = new ScatterChart(this.ctx, (id) => {
      this.select([id]);
      this.table.scrollToTrial(id);
    });
    this.cards = {
      curves: this.curvesChart.card,
      best: createBestChart(this.ctx),
      parallel: this.parallel.card,
      scatter: this.scatter.card,
      importance: createImportanceChart(this.ctx),
    };

    this.textInput = h('input', { type: 'search', placeholder: 'Filter: text, or lr<0.01, objective>=0.9', 'aria-label': 'Filter trials', 'data-role': 'text-filter', value: ui.text });
    let textTimer: ReturnType<typeof setTimeout> | undefined;
    this.textInput.addEventListener('input', () => {
      clearTimeout(textTimer);
      textTimer = setTimeout(() => {
        ui.text = this.textInput.value;
        this.changed(true);
      }, 120);
    });
    const stateFilters = TRIAL_STATES.map((s) => {
      const box = h('input', { type: 'checkbox', 'data-state': s });
      box.checked = ui.states.length === 0 || ui.states.includes(s);
      box.addEventListener('change', () => {
        const on = TRIAL_STATES.filter((x) => this.stateBoxes.get(x)!.checked);
        ui.states = on.length === TRIAL_STATES.length ? [] : on;
        this.changed(true);
      });
      this.stateBoxes.set(s, box);
      return h('label', { class: `state-filter state-${s}` }, box, s);
    });
    const exportTable = h('button', { class: 'small-button', 'data-role': 'export-table', text: 'Export CSV', title: 'Export the trials the table shows as CSV' });
    exportTable.addEventListener('click', () => void this.exportTable());
    const filterBar = h('div', { class: 'filter-bar' }, this.textInput, h('div', { class: 'state-filters', role: 'group', 'aria-label': 'States' }, ...stateFilters), exportTable);

    const tabs = h('div', { class: 'tabs', role: 'tablist' });
    for (const tab of STUDY_TABS) {
      const b = h('button', { class: 'tab', role: 'tab', 'data-tab': tab, text: TAB_LABELS[tab] });
      b.addEventListener('click', () => this.showTab(tab));
      this.tabButtons.set(tab, b);
      tabs.append(b);
    }
    const chartArea = h('div', { class: 'chart-area' }, ...Object.values(this.cards).map((c) => c.el));
    this.el = h('div', { class: 'study-view' }, this.header.el, filterBar, this.table.el, h('div', { class: 'charts' }, tabs, chartArea));
    this.showTab(ui.tab);
    this.scatter.invalidate();
    this.syncSubscription();
    this.schedule();
  }

  onMessage(m: HostMessage): void {
    if (m.type === 'study/update') {
      if (!this.ctx.store.update(m.header, m.trials, m.live)) return;
      this.needHeader = true;
      if (m.trials?.length) {
        this.needQuery = true;
        for (const c of [this.cards.best, this.cards.parallel, this.cards.importance]) c.invalidate();
        this.scatter.invalidate();
        // A selected trial that only now got its run id can now be subscribed.
        if (m.trials.some((t) => this.ctx.ui.selected.includes(t.trialId))) this.syncSubscription();
      }
      if (m.header) this.scatter.invalidate();
      this.schedule();
    } else if (m.type === 'curves/append') {
      this.ctx.curves.append(m.series.filter((s) => this.subscribedRuns().has(s.runId)));
      this.curvesChart.invalidate();
    }
  }

  uiState(): StudyUi {
    return this.ctx.ui;
  }

  private subscribedRuns(): Set<string> {
    return new Set(this.subscribed ? this.subscribed.split('\u0000') : []);
  }

  private changed(query: boolean): void {
    if (query) this.needQuery = true;
    this.ctx.persist();
    this.schedule();
  }

  private schedule(): void {
    this.nextFrame.request();
  }

  private render(): void {
    const { store, ui } = this.ctx;
    if (this.needQuery) {
      this.needQuery = false;
      this.rows = queryTrials(store.list(), { states: ui.states, text: ui.text, brush: ui.brush }, ui.sort, store.categories());
    }
    const selected = new Set(ui.selected);
    this.table.setData({ rows: this.rows, total: store.trials.size, params: store.header.params, bestId: store.best()?.trialId, selected, sort: ui.sort, live: store.live });
    if (this.needHeader) {
      this.needHeader = false;
      this.header.update(store.header, store.trials.values(), store.best(), store.live, this.selectedTrials());
    }
  }

  private selectedTrials(): TrialRow[] {
    return this.ctx.ui.selected.map((id) => this.ctx.store.trials.get(id)).filter((t): t is TrialRow => t !== undefined);
  }

  private select(ids: string[]): void {
    this.ctx.ui.selected = ids;
    this.needHeader = true;
    this.changed(false);
    this.syncSubscription();
    this.curvesChart.invalidate();
  }

  /** Subscribes to the selected trials' runs and fetches the histories not loaded yet. */
  private syncSubscription(): void {
    const runIds = this.curvesChart.selectedRuns().map((r) => r.runId);
    const key = runIds.join('\u0000');
    if (key === this.subscribed) return;
    const before = this.subscribedRuns();
    this.subscribed = key;
    this.host.post({ type: 'setCurveSubscription', runIds });
    this.ctx.curves.retain(runIds);
    const missing = runIds.filter((id) => !before.has(id) || !this.ctx.curves.get(id));
    if (missing.length > 0) {
      void this.call('Load learning curves', async () => {
        const series = await this.host.request('curves', { runIds: missing });
        const current = this.subscribedRuns();
        this.ctx.curves.set(series.filter((s) => current.has(s.runId)));
        this.curvesChart.invalidate();
        return series;
      });
    }
    this.curvesChart.invalidate();
  }

  private setBrush(brush: BrushIntervals): void {
    this.ctx.ui.brush = brush;
    this.changed(true);
  }

  private showTab(tab: StudyTab): void {
    this.ctx.ui.tab = tab;
    for (const [t, card] of Object.entries(this.cards) as [StudyTab, ChartCard][]) card.setVisible(t === tab);
    for (const [t, b] of this.tabButtons) {
      b.classList.toggle('active', t === tab);
      b.setAttribute('aria-selected', String(t === tab));
    }
    this.ctx.persist();
  }

  private withBest<R>(label: string, call: (runId: string) => Promise<R>, done: (r: R) => string | undefined): void {
    const best = this.ctx.store.best();
    if (!best) return;
    void this.call(label, async () => {
      const r = await call(best.runId);
      const text = done(r);
      if (text) this.notices.show(text);
      return r;
    });
  }

  /** Runs a host request; a `response` with ok: false shows its error. */
  private async call<R>(label: string, fn: () => Promise<R>): Promise<R | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.notices.show(`${label} failed: ${(e as Error).message}`, 'error');
      return undefined;
    }
  }

  private exportTable(): Promise<void> {
    const params = this.ctx.store.header.params.map((p) => p.name);
    const header = ['trial', 'state', 'stopped_early', 'objective', 'last_value', 'step', ...params, 'duration_s', 'run_id', 'error'];
    const rows = this.table.rows().map((t) => [t.trialId, t.state, t.stoppedEarly, t.objective, t.lastValue, t.step, ...params.map((p) => t.parameters[p]), t.durationSeconds, t.runId, t.error]);
    return this.ctx.exporter.csv(toCsv(header, rows), `${this.ctx.store.header.name || 'study'}-trials`);
  }

  dispose(): void {
    this.nextFrame.cancel();
    for (const c of Object.values(this.cards)) c.dispose();
  }
}
