/**
 * The contract between the study machinery (trials, persistence, workers) and the search algorithms
 * (grid, random, Bayesian). Algorithms are pure functions of the study's history and seed, so a study
 * resumed from its files suggests exactly what it would have suggested without the interruption.
 */
import type { HyperparameterSpec, HyperparameterValues } from '../spec/jobSpec';

export type TrialState = 'ACTIVE' | 'COMPLETED' | 'STOPPED' | 'FAILED';

export interface TrialObservation {
  trialId: string;
  parameters: HyperparameterValues;
  state: TrialState;
  /** The final objective (the hyperparameterMetricTag's last reported value); absent for FAILED/ACTIVE. */
  objective?: number;
}

export interface SuggestRequest {
  /** Every trial so far, in creation order (COMPLETED and STOPPED carry an objective). */
  history: TrialObservation[];
  /** How many new suggestions are wanted (free parallel slots). */
  count: number;
}

export interface SuggestionAlgorithm {
  readonly name: 'GRID_SEARCH' | 'RANDOM_SEARCH' | 'BAYESIAN';
  /**
   * New parameter sets, never duplicating ACTIVE ones. May return fewer than `count` (a grid that is
   * exhausted returns none). Values are typed: numbers for DOUBLE/INTEGER/DISCRETE, strings for CATEGORICAL.
   */
  suggest(request: SuggestRequest): HyperparameterValues[];
}

/** Implemented in algorithms/index.ts. `seed` makes RANDOM_SEARCH and the Bayesian initial design reproducible. */
export type CreateAlgorithm = (spec: HyperparameterSpec, seed: number) => SuggestionAlgorithm;
