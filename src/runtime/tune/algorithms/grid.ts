/**
 * GRID_SEARCH: every combination of the (INTEGER, DISCRETE, CATEGORICAL) parameters' values, each once.
 *
 * Order: *nested grids*. Each parameter's values are first put in a coverage order — the middle value, then
 * the two ends, then the midpoints of the gaps, and so on (a bisection order). Combinations are then taken
 * by "level": level r holds the combinations whose highest coverage rank over all parameters is r, in
 * lexicographic order of ranks (first parameter slowest). After levels 0..r the study has run the full grid
 * of each parameter's first r+1 coverage values, so a study cut short by maxTrials has still spread over
 * every parameter's range — plain lexicographic order would instead spend its whole budget on the last
 * parameter with the others fixed at their first values. Run to the end, it visits every combination.
 *
 * Levels are generated lazily and exactly (no filtering of a bigger box), so a large grid costs only what is
 * visited. Used combinations (any trial state, including FAILED) are skipped, so the grid never repeats one.
 */
import type { HyperparameterSpec, HyperparameterValues } from '../../spec/jobSpec';
import type { SuggestRequest, SuggestionAlgorithm } from '../algorithm';
import { SearchSpace } from '../space';
import { usedKeys } from './history';

/** Indices 0..n-1 in bisection order: middle, ends, then midpoints of the remaining gaps, breadth first. */
export function coverageOrder(n: number): number[] {
  if (n <= 0) return [];
  const order: number[] = [];
  const seen = new Uint8Array(n);
  const take = (i: number): void => {
    if (!seen[i]) {
      seen[i] = 1;
      order.push(i);
    }
  };
  take((n - 1) >> 1);
  take(0);
  take(n - 1);
  let gaps: [number, number][] = [[0, (n - 1) >> 1], [(n - 1) >> 1, n - 1]];
  while (order.length < n) {
    const next: [number, number][] = [];
    for (const [a, b] of gaps) {
      if (b - a < 2) continue;
      const m = (a + b) >> 1;
      take(m);
      next.push([a, m], [m, b]);
    }
    gaps = next;
  }
  return order;
}

/** Rank tuples in nested-grid order: level by level, lexicographic within a level. */
export function* nestedGridRanks(counts: readonly number[]): Generator<number[]> {
  const d = counts.length;
  const maxLevel = Math.max(0, ...counts.map((c) => c - 1));
  if (counts.some((c) => c <= 0)) return;
  for (let r = 0; r <= maxLevel; r++) {
    // Level r: tuples with every rank ≤ r (and below each parameter's count) and at least one rank = r.
    const limits = counts.map((c) => Math.min(r, c - 1));
    if (!limits.some((l, i) => l === r && counts[i] > r)) continue;
    yield* levelTuples(limits, r, d);
  }
}

/** Tuples t with t_i ≤ limits[i] and max t = r, in lexicographic order, pruning branches that cannot reach r. */
function* levelTuples(limits: readonly number[], r: number, d: number): Generator<number[]> {
  // canReach[i]: some coordinate at index ≥ i can take the value r.
  const canReach = new Array<boolean>(d + 1).fill(false);
  for (let i = d - 1; i >= 0; i--) canReach[i] = canReach[i + 1] || limits[i] === r;
  const t = new Array<number>(d).fill(0);
  function* fill(i: number, hasR: boolean): Generator<number[]> {
    if (i === d) {
      if (hasR) yield t.slice();
      return;
    }
    for (let v = 0; v <= limits[i]; v++) {
      const has = hasR || v === r;
      if (!has && !canReach[i + 1]) continue;
      t[i] = v;
      yield* fill(i + 1, has);
    }
  }
  yield* fill(0, false);
}

export class GridSearch implements SuggestionAlgorithm {
  readonly name = 'GRID_SEARCH' as const;
  private readonly space: SearchSpace;
  private readonly orders: number[][];

  constructor(private readonly spec: HyperparameterSpec) {
    this.space = new SearchSpace(spec.params);
    this.orders = this.space.dimensions.map((d) => coverageOrder(d.count));
  }

  suggest(request: SuggestRequest): HyperparameterValues[] {
    // maxTrials (default 1, as the service) bounds the grid: trials of every state count towards it.
    const budget = Math.max(0, (this.spec.maxTrials ?? 1) - request.history.length);
    const want = Math.min(request.count, budget);
    const out: HyperparameterValues[] = [];
    if (want <= 0) return out;
    const used = usedKeys(this.space, request.history);
    for (const ranks of nestedGridRanks(this.orders.map((o) => o.length))) {
      const values: HyperparameterValues = {};
      this.space.dimensions.forEach((d, i) => {
        values[d.spec.parameterName] = this.space.valueOfIndex(d, this.orders[i][ranks[i]]);
      });
      const key = this.space.key(values);
      if (used.has(key)) continue;
      used.add(key);
      out.push(values);
      if (out.length >= want) break;
    }
    return out;
  }
}
