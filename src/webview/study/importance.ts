/**
 * A parameter-importance estimate in the spirit of fANOVA, kept small enough to run in the webview:
 * for each parameter, the share of the objective's variance that its marginal explains (ε², the
 * bias-corrected correlation ratio of the objective grouped by the parameter's quantile bins or categories).
 * Unlike a rank correlation it sees non-monotonic effects (an optimum in the middle of a range) and
 * categorical parameters. Interactions are not attributed; the shares are normalised to sum to 1.
 * DOM-free; the view debounces it and samples huge studies.
 */
import type { ParamInfo, TrialRow } from '../../protocol/webviewProtocol';

export interface ParamImportance {
  name: string;
  /** Normalised share, 0…1 (all shares sum to 1 unless nothing explains anything). */
  importance: number;
  /** ε² before normalising: the fraction of variance this parameter's marginal explains. */
  explained: number;
  /** Spearman rank correlation with the objective (numeric parameters), for the direction of the effect. */
  spearman?: number;
}

export interface ImportanceOptions {
  /** At most this many trials are used (an even stride over all of them). */
  maxSamples?: number;
  /** Quantile bins for numeric parameters. */
  bins?: number;
}

/** Completed trials with a finite objective: running trials' values are not final. */
export function importanceSamples(trials: Iterable<TrialRow>, maxSamples: number): TrialRow[] {
  const done: TrialRow[] = [];
  for (const t of trials) if ((t.state === 'completed' || t.state === 'stopped') && t.objective !== undefined && Number.isFinite(t.objective)) done.push(t);
  if (done.length <= maxSamples) return done;
  const stride = done.length / maxSamples;
  const out: TrialRow[] = [];
  for (let i = 0; i < maxSamples; i++) out.push(done[Math.floor(i * stride)]);
  return out;
}

function ranks(values: number[]): number[] {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) j++;
    const avg = (i + j) / 2;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

export function spearman(x: number[], y: number[]): number {
  const rx = ranks(x);
  const ry = ranks(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Group labels per sample: categories as they are, numbers by quantile bin (ties stay in one bin). */
function groups(values: (number | string)[], numeric: boolean, bins: number): number[] {
  if (!numeric) {
    const ids = new Map<string, number>();
    return values.map((v) => {
      const k = String(v);
      if (!ids.has(k)) ids.set(k, ids.size);
      return ids.get(k)!;
    });
  }
  const nums = values as number[];
  const sorted = [...nums].sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) cuts.push(sorted[Math.floor((b * sorted.length) / bins)]);
  return nums.map((v) => {
    let g = 0;
    while (g < cuts.length && v >= cuts[g]) g++;
    return g;
  });
}

/** ε² = (SS_between − (k−1)·MS_within) / (SS_total + MS_within), clipped at 0. */
function epsilonSquared(group: number[], y: number[]): number {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    sum.set(group[i], (sum.get(group[i]) ?? 0) + y[i]);
    count.set(group[i], (count.get(group[i]) ?? 0) + 1);
  }
  let ssTotal = 0;
  for (const v of y) ssTotal += (v - mean) ** 2;
  let ssBetween = 0;
  for (const [g, s] of sum) {
    const c = count.get(g)!;
    ssBetween += c * (s / c - mean) ** 2;
  }
  const k = sum.size;
  if (k < 2 || ssTotal === 0 || n <= k) return 0;
  const msWithin = (ssTotal - ssBetween) / (n - k);
  return Math.max(0, (ssBetween - (k - 1) * msWithin) / (ssTotal + msWithin));
}

/** Importance of each parameter, most important first. Needs a few samples per bin to say anything. */
export function estimateImportance(trials: Iterable<TrialRow>, params: ParamInfo[], options: ImportanceOptions = {}): ParamImportance[] {
  const samples = importanceSamples(trials, options.maxSamples ?? 2000);
  const bins = Math.max(2, Math.min(options.bins ?? 10, Math.floor(samples.length / 5)));
  const out: ParamImportance[] = [];
  for (const p of params) {
    const rows = samples.filter((t) => t.parameters[p.name] !== undefined);
    if (rows.length < 4) {
      out.push({ name: p.name, importance: 0, explained: 0 });
      continue;
    }
    const y = rows.map((t) => t.objective!);
    const numeric = p.type !== 'CATEGORICAL' && rows.every((t) => typeof t.parameters[p.name] === 'number');
    const x = rows.map((t) => t.parameters[p.name]);
    const explained = epsilonSquared(groups(x, numeric, bins), y);
    out.push({ name: p.name, importance: 0, explained, spearman: numeric ? spearman(x as number[], y) : undefined });
  }
  const total = out.reduce((a, r) => a + r.explained, 0);
  for (const r of out) r.importance = total > 0 ? r.explained / total : 0;
  return out.sort((a, b) => b.explained - a.explained || a.name.localeCompare(b.name));
}
