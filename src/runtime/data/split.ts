/**
 * The train/eval split by fraction: a Fisher–Yates shuffle driven by seedrandom's ARC4 generator,
 * which is pure JavaScript and gives the same sequence for the same seed on every platform and
 * Node version. Both parts keep the records' original order, so a split is easy to inspect.
 */
import seedrandom from 'seedrandom';

export interface Split<T> {
  train: T[];
  eval: T[];
}

/** How many of n records go to eval: the rounded fraction, but never all nor none of them (n ≥ 2). */
export function evalCount(n: number, fraction: number): number {
  if (fraction <= 0 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

export function splitByFraction<T>(items: readonly T[], fraction: number, seed = 0): Split<T> {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`the eval fraction must be in [0, 1), got ${fraction}`);
  const n = items.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = seedrandom(String(seed));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const isEval = new Uint8Array(n);
  const count = evalCount(n, fraction);
  for (let k = 0; k < count; k++) isEval[order[k]] = 1;
  const split: Split<T> = { train: [], eval: [] };
  for (let i = 0; i < n; i++) (isEval[i] ? split.eval : split.train).push(items[i]);
  return split;
}
