/** Small DOM helpers. Never inline `style` attributes: the panel's CSP blocks them (element.style via CSSOM is fine). */
type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

export function formatNumber(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : v.toPrecision(digits).replace(/\.?0+$/, '');
}

export function formatValue(v: number | string | undefined): string {
  return typeof v === 'number' ? formatNumber(v) : (v ?? '');
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Shows request errors (a `response` with ok: false) and short notices at the top of the panel. */
export class Notices {
  readonly el = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });

  show(text: string, kind: 'error' | 'info' = 'info'): void {
    const close = h('button', { class: 'icon-button', title: 'Dismiss', 'aria-label': 'Dismiss', text: '×' });
    const item = h('div', { class: `notice notice-${kind}`, 'data-role': `notice-${kind}` }, h('span', { text }), close);
    close.addEventListener('click', () => item.remove());
    this.el.append(item);
    if (kind === 'info') setTimeout(() => item.remove(), 6000);
    while (this.el.childElementCount > 5) this.el.firstElementChild?.remove();
  }
}
