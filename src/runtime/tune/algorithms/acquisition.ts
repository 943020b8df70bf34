/**
 * Maximising an acquisition function over the feature cube: a cheap global search, then local refinement.
 *
 * Global: uniform random points plus Gaussian perturbations of the best observed points at two scales
 * (most of expected improvement's mass sits near the incumbents once the model is fitted). Local: from the
 * best few distinct candidates, a (1+1) evolution strategy with the one-fifth success rule (Rechenberg
 * 1973) — a gradient-free hill climb with random starting points, the kind of optimiser the Vizier paper
 * describes for its acquisition function (Golovin et al., KDD 2017, §3). Every point is projected onto the
 * allowed values before scoring (rounded integers, snapped discrete values, one-hot categories), so the
 * score is that of the configuration that would actually run (Garrido-Merchán & Hernández-Lobato,
 * "Dealing with categorical and integer-valued variables in Bayesian optimization with Gaussian processes",
 * Neurocomputing 2020).
 */
import type { SearchSpace } from '../space';
import { type Random, gaussian } from './rng';

export interface Scored {
  x: Float64Array;
  score: number;
}

export interface AcquisitionSearchOptions {
  globalPoints?: number;
  perturbationsPerIncumbent?: number;
  incumbents?: number;
  starts?: number;
  localSteps?: number;
}

/** Candidates, best first: the refined local optima followed by the rest of the global search. */
export function maximizeAcquisition(
  score: (x: Float64Array) => number,
  space: SearchSpace,
  random: Random,
  bestObserved: readonly ArrayLike<number>[],
  options: AcquisitionSearchOptions = {},
): Scored[] {
  const D = space.width;
  const globalPoints = options.globalPoints ?? Math.min(2000, 300 + 150 * D);
  const perturbations = options.perturbationsPerIncumbent ?? 60;
  const starts = options.starts ?? 5;
  const localSteps = options.localSteps ?? 40 + 10 * D;
  const project = (x: Float64Array): Float64Array => {
    for (let k = 0; k < D; k++) x[k] = x[k] < 0 ? 0 : x[k] > 1 ? 1 : x[k];
    return space.continuous ? x : Float64Array.from(space.project(x));
  };
  const evaluate = (x: Float64Array): Scored => {
    const p = project(x);
    const s = score(p);
    return { x: p, score: Number.isFinite(s) ? s : -Infinity };
  };

  const pool: Scored[] = [];
  for (let i = 0; i < globalPoints; i++) {
    const x = new Float64Array(D);
    for (let k = 0; k < D; k++) x[k] = random();
    pool.push(evaluate(x));
  }
  for (const inc of bestObserved.slice(0, options.incumbents ?? 3)) {
    for (let i = 0; i < perturbations; i++) {
      const sigma = i % 2 === 0 ? 0.02 : 0.1;
      const x = new Float64Array(D);
      for (let k = 0; k < D; k++) x[k] = inc[k] + sigma * gaussian(random);
      pool.push(evaluate(x));
    }
  }
  pool.sort((a, b) => b.score - a.score);

  const refined: Scored[] = [];
  const seen = new Set<string>();
  for (const candidate of pool) {
    if (refined.length >= starts) break;
    const key = Array.from(candidate.x, (v) => v.toFixed(4)).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    refined.push(hillClimb(candidate, evaluate, random, localSteps));
  }
  refined.sort((a, b) => b.score - a.score);
  return [...refined, ...pool];
}

function hillClimb(start: Scored, evaluate: (x: Float64Array) => Scored, random: Random, steps: number): Scored {
  let current = start;
  let sigma = 0.05;
  const D = start.x.length;
  for (let i = 0; i < steps && sigma > 1e-5; i++) {
    const x = new Float64Array(D);
    for (let k = 0; k < D; k++) x[k] = current.x[k] + sigma * gaussian(random);
    const next = evaluate(x);
    if (next.score > current.score) {
      current = next;
      sigma = Math.min(0.3, sigma * 1.5);
    } else {
      sigma *= 0.9;
    }
  }
  return current;
}
