/**
 * The trial table, virtualised: only the rows in view (plus a few) exist in the DOM, positioned inside a
 * spacer as tall as all rows, so 10,000 trials scroll like 30. Rows are a reused pool; a data change or a
 * scroll repaints their text in the next animation frame.
 */
import type { ParamInfo, TrialRow } from '../../protocol/webviewProtocol';
import { formatDuration, formatNumber, formatValue, h } from '../ui/dom';
import type { SortKey, SortSpec } from './trialQuery';
import { NextFrame } from '../ui/nextFrame';

const ROW_HEIGHT = 24;
const OVERSCAN = 6;

interface Column {
  key: SortKey | 'select' | 'best' | 'actions';
  label: string;
  width: number;
  sortable: boolean;
  title?: string;
}

export interface TrialTableEvents {
  onSort(sort: SortSpec): void;
  onSelect(selected: string[]): void;
  onAction(action: 'stop' | 'open', trial: TrialRow): void;
}

export interface TrialTableData {
  rows: TrialRow[];
  total: number;
  params: ParamInfo[];
  bestId?: string;
  selected: ReadonlySet<string>;
  sort: SortSpec;
  /** Stopping works only while this window runs the study. */
  live: boolean;
}

export class TrialTable {
  readonly el: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly count: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private columns: Column[] = [];
  private columnsKey = '';
  private data: TrialTableData = { rows: [], total: 0, params: [], selected: new Set(), sort: { key: 'id', dir: 'asc' }, live: false };
  private anchor?: string;
  /** The row the keyboard moves from (the last clicked or key-selected). */
  private focusId?: string;
  private readonly nextFrame = new NextFrame(() => this.paintRows());

  constructor(private readonly events: TrialTableEvents) {
    this.head = h('div', { class: 'trow thead', role: 'row' });
    this.spacer = h('div', { class: 'tspacer', role: 'rowgroup' });
    this.scroller = h('div', { class: 'tscroll', role: 'grid', 'aria-label': 'Trials', tabindex: 0 }, this.head, this.spacer);
    this.count = h('div', { class: 'tcount', 'data-role': 'table-count' });
    this.el = h('div', { class: 'trial-table' }, this.scroller, this.count);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.head.addEventListener('click', (e) => this.onHeadClick(e));
    this.spacer.addEventListener('click', (e) => this.onBodyClick(e));
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
  }

  setData(data: TrialTableData): void {
    this.data = data;
    this.syncColumns();
    this.spacer.style.height = `${data.rows.length * ROW_HEIGHT}px`;
    this.count.textContent = `${data.rows.length.toLocaleString('en-US')} of ${data.total.toLocaleString('en-US')} trials${data.selected.size ? ` · ${data.selected.size} selected` : ''}`;
    this.count.dataset.visible = String(data.rows.length);
    // Screen readers: the grid has all rows, though only a window of them is in the DOM.
    this.scroller.setAttribute('aria-rowcount', String(data.rows.length + 1));
    this.schedule();
  }

  /** Visible rows in order, for CSV export of exactly what the table shows. */
  rows(): TrialRow[] {
    return this.data.rows;
  }

  scrollToTrial(trialId: string): void {
    const i = this.data.rows.findIndex((t) => t.trialId === trialId);
    if (i >= 0) this.scroller.scrollTop = i * ROW_HEIGHT;
  }

  private syncColumns(): void {
    const key = this.data.params.map((p) => p.name).join('\u0000');
    if (key === this.columnsKey && this.columns.length > 0) {
      this.paintHead();
      return;
    }
    this.columnsKey = key;
    this.columns = [
      { key: 'select', label: '', width: 28, sortable: false, title: 'Select to overlay learning curves' },
      { key: 'best', label: '★', width: 26, sortable: false, title: 'Best trial' },
      { key: 'id', label: 'Trial', width: 64, sortable: true },
      { key: 'state', label: 'State', width: 120, sortable: true },
      { key: 'objective', label: 'Objective', width: 100, sortable: true },
      { key: 'step', label: 'Step', width: 56, sortable: true },
      ...this.data.params.map((p): Column => ({ key: `p:${p.name}`, label: p.name, width: 110, sortable: true, title: `${p.name} (${p.type})` })),
      { key: 'duration', label: 'Duration', width: 96, sortable: true },
      { key: 'actions', label: '', width: 64, sortable: false },
    ];
    const template = this.columns.map((c) => `${c.width}px`).join(' ');
    const width = this.columns.reduce((a, c) => a + c.width, 0);
    this.scroller.style.setProperty('--columns', template);
    this.scroller.style.setProperty('--table-width', `${width}px`);
    this.head.replaceChildren(
      ...this.columns.map((c) => h('div', { class: `tcell col-${c.key.replace(/[^\w-]/g, '_')}${c.sortable ? ' sortable' : ''}`, role: 'columnheader', 'data-key': c.key, title: c.title ?? (c.sortable ? `Sort by ${c.label}` : undefined), text: c.label })),
    );
    for (const row of this.pool) row.remove();
    this.pool.length = 0;
    this.paintHead();
  }

  private paintHead(): void {
    for (const cell of Array.from(this.head.children)) {
      const el = cell as HTMLElement;
      const sorted = el.dataset.key === this.data.sort.key;
      el.classList.toggle('sorted', sorted);
      el.setAttribute('aria-sort', sorted ? (this.data.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const col = this.columns.find((c) => c.key === el.dataset.key);
      if (col) el.textContent = col.label + (sorted ? (this.data.sort.dir === 'asc' ? ' ▲' : ' ▼') : '');
    }
  }

  private schedule(): void {
    this.nextFrame.request();
  }

  private makeRow(): HTMLElement {
    const row = h('div', { class: 'trow', role: 'row' });
    for (const c of this.columns) {
      const cell = h('div', { class: `tcell col-${c.key.replace(/[^\w-]/g, '_')}`, role: 'gridcell' });
      if (c.key === 'select') cell.append(h('input', { type: 'checkbox', tabindex: -1, 'aria-label': 'Select trial' }));
      if (c.key === 'actions') {
        cell.append(
          h('button', { class: 'icon-button', 'data-action': 'stop', title: 'Stop this trial', 'aria-label': 'Stop trial', text: '■' }),
          h('button', { class: 'icon-button', 'data-action': 'open', title: "Open the trial's run folder", 'aria-label': 'Open run folder', text: '↗' }),
        );
      }
      row.append(cell);
    }
    this.spacer.append(row);
    return row;
  }

  private paintRows(): void {
    const { rows } = this.data;
    const viewport = this.scroller.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(rows.length - first, Math.ceil(viewport / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.pool.length < count) this.pool.push(this.makeRow());
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      if (i >= count) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      const index = first + i;
      row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      row.setAttribute('aria-rowindex', String(index + 2));
      this.paintRow(row, rows[index], index);
    }
  }

  private paintRow(row: HTMLElement, t: TrialRow, index: number): void {
    const { bestId, selected, live } = this.data;
    const isBest = t.trialId === bestId;
    row.dataset.trial = t.trialId;
    row.dataset.index = String(index);
    row.classList.toggle('selected', selected.has(t.trialId));
    row.classList.toggle('best', isBest);
    row.setAttribute('aria-selected', String(selected.has(t.trialId)));
    const cells = row.children;
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c];
      const cell = cells[c] as HTMLElement;
      switch (col.key) {
        case 'select':
          (cell.firstChild as HTMLInputElement).checked = selected.has(t.trialId);
          break;
        case 'best':
          cell.textContent = isBest ? '★' : '';
          cell.title = isBest ? 'Best trial' : '';
          break;
        case 'id':
          cell.textContent = t.trialId;
          break;
        case 'state':
          cell.textContent = t.state === 'stopped' && t.stoppedEarly ? 'stopped early' : t.state;
          cell.className = `tcell col-state state-${t.state}${t.stoppedEarly ? ' early' : ''}`;
          cell.title = t.error ?? (t.stoppedEarly ? 'Stopped by automated early stopping' : '');
          break;
        case 'objective':
          cell.textContent = t.objective !== undefined ? formatNumber(t.objective) : formatNumber(t.lastValue);
          cell.classList.toggle('provisional', t.objective === undefined && t.lastValue !== undefined);
          break;
        case 'step':
          cell.textContent = t.step === undefined ? '' : String(t.step);
          break;
        case 'duration':
          cell.textContent = formatDuration(t.durationSeconds);
          break;
        case 'actions':
          (cell.firstChild as HTMLButtonElement).hidden = !(live && t.state === 'running');
          break;
        default:
          cell.textContent = formatValue(t.parameters[col.key.slice(2)]);
      }
    }
  }

  private onHeadClick(e: MouseEvent): void {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.tcell');
    const key = cell?.dataset.key;
    const col = this.columns.find((c) => c.key === key);
    if (!col?.sortable) return;
    const { sort } = this.data;
    const dir = sort.key === col.key ? (sort.dir === 'asc' ? 'desc' : 'asc') : col.key === 'objective' ? 'desc' : 'asc';
    this.events.onSort({ key: col.key as SortKey, dir });
  }

  /** Arrow keys, Page Up/Down, Home/End move the selection (Shift extends it); the row is scrolled into view. */
  private onKey(e: KeyboardEvent): void {
    const { rows } = this.data;
    if (rows.length === 0) return;
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -rows.length, End: rows.length };
    const move = moves[e.key];
    if (move === undefined) return;
    e.preventDefault();
    const current = this.focusId !== undefined ? rows.findIndex((t) => t.trialId === this.focusId) : -1;
    const next = Math.max(0, Math.min(rows.length - 1, current < 0 ? 0 : current + move));
    const id = rows[next].trialId;
    this.focusId = id;
    const top = next * ROW_HEIGHT;
    const header = this.head.offsetHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight - header) this.scroller.scrollTop = top + ROW_HEIGHT - this.scroller.clientHeight + header;
    if (e.shiftKey && this.anchor !== undefined) {
      const a = rows.findIndex((t) => t.trialId === this.anchor);
      if (a >= 0) {
        this.events.onSelect(rows.slice(Math.min(a, next), Math.max(a, next) + 1).map((t) => t.trialId));
        return;
      }
    }
    this.anchor = id;
    this.events.onSelect([id]);
  }

  private onBodyClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>('.trow');
    const trial = row?.dataset.trial ? this.data.rows[Number(row.dataset.index)] : undefined;
    if (!trial) return;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action === 'stop' || action === 'open') {
      this.events.onAction(action, trial);
      return;
    }
    this.focusId = trial.trialId;
    const selected = new Set(this.data.selected);
    const toggle = e.ctrlKey || e.metaKey || target.closest('.col-select') !== null;
    if (e.shiftKey && this.anchor !== undefined) {
      const a = this.data.rows.findIndex((t) => t.trialId === this.anchor);
      const b = Number(row!.dataset.index);
      if (a >= 0) for (let i = Math.min(a, b); i <= Math.max(a, b); i++) selected.add(this.data.rows[i].trialId);
    } else if (toggle) {
      if (selected.has(trial.trialId)) selected.delete(trial.trialId);
      else selected.add(trial.trialId);
      this.anchor = trial.trialId;
    } else {
      selected.clear();
      selected.add(trial.trialId);
      this.anchor = trial.trialId;
    }
    this.events.onSelect([...selected]);
  }
}
