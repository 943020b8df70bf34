/**
 * The default algorithm (ALGORITHM_UNSPECIFIED): Bayesian optimisation with a Gaussian process, after
 * Vizier's Batched GP Bandits (Golovin et al., KDD 2017, §3; hypertune-reference.md §1).
 *
 * - Initial design: a scrambled Halton sequence (halton.ts), min(10, max(5, 2·#params)) points, at most a
 *   third of maxTrials; it continues while fewer than two trials have an objective.
 * - Model: Matérn-5/2 ARD process on the feature cube (space.ts), outputs oriented for minimisation, their
 *   bad tail compressed and standardised (outputWarp.ts), hyperparameters by MAP with multi-start L-BFGS (gp/fitKernel.ts).
 * - Acquisition: log expected improvement (Ament et al., NeurIPS 2023; gp/normal.ts) — the same maximiser
 *   as EI, but it does not underflow, so the optimiser can still climb where EI would be 0 to machine
 *   precision. Maximised by a global random search plus hill climbing on projected points (acquisition.ts).
 * - Parallel trials: Kriging believer (Ginsbourger et al. 2010). Every ACTIVE trial, and every suggestion
 *   already made in this batch, is added to the model with the posterior mean as its value; its variance
 *   collapses, so EI there is ~0 and the batch spreads out. A suggestion whose configuration is already in
 *   the study (after rounding) is replaced by the next best candidate, so ACTIVE ones are never duplicated.
 * - FAILED trials inform nothing (their configurations are still never suggested again); STOPPED trials
 *   count with the objective they reached.
 *
 * Determinism: the kernel fit is seeded by (seed, number of observations), the acquisition search of the
 * k-th trial by (seed, k). So a batch of n suggestions equals n one-at-a-time suggestions made while the
 * earlier ones are ACTIVE, and a study resumed from its history suggests what it would have suggested.
 */
import type { HyperparameterSpec, HyperparameterValues } from '../../spec/jobSpec';
import type { SuggestRequest, SuggestionAlgorithm, TrialObservation } from '../algorithm';
import { SearchSpace } from '../space';
import { maximizeAcquisition } from './acquisition';
import { fitKernel } from './gp/fitKernel';
import { GaussianProcess } from './gp/gaussianProcess';
import { logExpectedImprovement } from './gp/normal';
import { ScrambledHalton } from './halton';
import { type Observation, observations, pendingTrials, usedKeys } from './history';
import { warpLosses } from './outputWarp';
import { drawUnused } from './random';
import { stream } from './rng';

/**
 * Expected improvement is greedy: once the model is confident that everywhere else is worse, it keeps
 * proposing points a hair away from the incumbent, even when the incumbent is only a local (or boundary)
 * minimum — seen on Branin, where a study spent its last 15 trials within 0.01 of the edge point (10, 3).
 * So when the last STUCK_WINDOW trials all sit within STUCK_RADIUS of the best point, the next one is chosen
 * by a lower confidence bound μ − κσ instead, which values uncertainty enough to leave the basin; afterwards
 * EI resumes. The rule reads only the history, so it is as deterministic as the rest. It is a stateless
 * form of the occasional exploratory step that makes greedy BO robust (De Ath et al., "Greed is good:
 * exploration and exploitation trade-offs in Bayesian optimisation", ACM TELO 2021).
 */
const STUCK_WINDOW = 4;
const STUCK_RADIUS = 0.05;
const EXPLORATION_KAPPA = 3;

export function isStuck(recent: readonly Float64Array[], incumbent: ArrayLike<number>): boolean {
  if (recent.length < STUCK_WINDOW) return false;
  for (const x of recent.slice(-STUCK_WINDOW)) {
    let d2 = 0;
    for (let k = 0; k < x.length; k++) d2 += (x[k] - incumbent[k]) ** 2;
    if (d2 > STUCK_RADIUS ** 2) return false;
  }
  return true;
}

/**
 * Past this many observations the kernel hyperparameters are fitted on a subset (each likelihood evaluation
 * is O(n³) and a fit takes ~100 of them); the posterior still conditions on every observation.
 */
const MAX_FIT_POINTS = 150;

/** The best half of MAX_FIT_POINTS, plus the rest spread evenly over the history's order. */
function fittingSubset(X: Float64Array, y: Float64Array, D: number): [Float64Array, Float64Array] {
  const n = y.length;
  if (n <= MAX_FIT_POINTS) return [X, y];
  const byLoss = Array.from(y.keys()).sort((a, b) => y[a] - y[b]);
  const chosen = new Set(byLoss.slice(0, MAX_FIT_POINTS / 2));
  const rest = Array.from(y.keys()).filter((i) => !chosen.has(i));
  const step = rest.length / (MAX_FIT_POINTS - chosen.size);
  for (let k = 0; chosen.size < MAX_FIT_POINTS; k++) chosen.add(rest[Math.floor(k * step)]);
  const idx = [...chosen].sort((a, b) => a - b);
  const Xs = new Float64Array(idx.length * D);
  idx.forEach((i, r) => Xs.set(X.subarray(i * D, (i + 1) * D), r * D));
  return [Xs, Float64Array.from(idx, (i) => y[i])];
}

/** Size of the quasi-random initial design. */
export function initialDesignSize(spec: HyperparameterSpec): number {
  const byDimension = Math.min(10, Math.max(5, 2 * spec.params.length));
  const maxTrials = spec.maxTrials ?? 1;
  return Math.min(byDimension, Math.max(2, Math.ceil(maxTrials / 3)));
}

export class BayesianOptimization implements SuggestionAlgorithm {
  readonly name = 'BAYESIAN' as const;
  private readonly space: SearchSpace;
  private readonly design: ScrambledHalton;
  private readonly designSize: number;

  constructor(private readonly spec: HyperparameterSpec, private readonly seed: number) {
    this.space = new SearchSpace(spec.params);
    this.design = new ScrambledHalton(spec.params.length, seed);
    this.designSize = initialDesignSize(spec);
  }

  suggest(request: SuggestRequest): HyperparameterValues[] {
    const { history, count } = request;
    const used = usedKeys(this.space, history);
    const observed = observations(history, this.spec.goal);
    const out: HyperparameterValues[] = [];
    while (out.length < count && (history.length + out.length < this.designSize || observed.length < 2)) {
      const values = this.designPoint(history.length + out.length, used);
      if (!values) return out;
      used.add(this.space.key(values));
      out.push(values);
    }
    if (out.length < count) out.push(...this.optimise(history, observed, out, count - out.length, used));
    return out;
  }

  private designPoint(index: number, used: Set<string>): HyperparameterValues | undefined {
    const values = this.space.fromSample(this.design.point(index));
    if (!used.has(this.space.key(values))) return values;
    return drawUnused(this.space, stream(this.seed, 'design-redraw', index), used);
  }

  private optimise(
    history: readonly TrialObservation[],
    observed: readonly Observation[],
    alreadySuggested: readonly HyperparameterValues[],
    want: number,
    used: Set<string>,
  ): HyperparameterValues[] {
    const space = this.space;
    const D = space.width;
    const n = observed.length;
    const X = new Float64Array(n * D);
    observed.forEach((o, i) => X.set(space.encode(o.parameters), i * D));
    const y = warpLosses(observed.map((o) => o.loss));
    const hyper = fitKernel(...fittingSubset(X, y, D), D, stream(this.seed, 'fit', n));
    let model = new GaussianProcess(X, y, hyper);
    let best = Infinity;
    for (const v of y) best = Math.min(best, v);
    const incumbents = Array.from(y.keys()).sort((a, b) => y[a] - y[b]).slice(0, 3).map((i) => X.subarray(i * D, (i + 1) * D));

    const believe = (values: HyperparameterValues): void => {
      const x = space.encode(values);
      model = model.condition(x, model.predict(x).mean);
    };
    for (const t of pendingTrials(history)) believe(t.parameters);
    for (const values of alreadySuggested) believe(values);

    // Every configuration tried so far, in order (FAILED ones too: where the study has been is what counts).
    const recent: Float64Array[] = history.map((t) => Float64Array.from(space.encode(t.parameters)));
    for (const values of alreadySuggested) recent.push(Float64Array.from(space.encode(values)));
    const incumbent = incumbents[0];

    const out: HyperparameterValues[] = [];
    for (let j = 0; j < want; j++) {
      const index = history.length + alreadySuggested.length + j;
      const random = stream(this.seed, 'acquisition', index);
      const current = model;
      const explore = isStuck(recent, incumbent);
      const score = explore
        ? (x: Float64Array): number => {
            const p = current.predict(x);
            return -(p.mean - EXPLORATION_KAPPA * Math.sqrt(p.variance));
          }
        : (x: Float64Array): number => {
            const p = current.predict(x);
            return logExpectedImprovement(p.mean, p.variance, best);
          };
      let chosen: HyperparameterValues | undefined;
      for (const candidate of maximizeAcquisition(score, space, random, incumbents)) {
        const values = space.decode(candidate.x);
        if (!used.has(space.key(values))) {
          chosen = values;
          break;
        }
      }
      chosen ??= drawUnused(space, random, used);
      if (!chosen) break;
      used.add(space.key(chosen));
      out.push(chosen);
      recent.push(Float64Array.from(space.encode(chosen)));
      believe(chosen);
    }
    return out;
  }
}
