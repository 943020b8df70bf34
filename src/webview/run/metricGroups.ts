/** Which metrics share a chart in the run view: `x` with `val_x` (training and validation of one metric). DOM-free. */
export interface MetricGroup {
  /** The metric's name without `val_`. */
  base: string;
  /** The series in the chart: the training metric first, then its `val_` partner, each if present. */
  keys: string[];
}

export function groupMetrics(keys: Iterable<string>): MetricGroup[] {
  const present = new Set(keys);
  const bases = new Set<string>();
  for (const k of present) bases.add(k.startsWith('val_') ? k.slice(4) : k);
  // Loss first (what everyone looks at), then the rest alphabetically, so charts do not jump as metrics appear.
  const order = [...bases].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  return order.map((base) => ({ base, keys: [base, `val_${base}`].filter((k) => present.has(k)) }));
}
