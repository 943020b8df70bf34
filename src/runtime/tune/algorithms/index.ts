/**
 * The search algorithms behind a study, by the spec's `algorithm` (cloudml-formats.md §2.1):
 * ALGORITHM_UNSPECIFIED (the default) is Bayesian optimisation, as the service's "a Bayesian optimization
 * algorithm"; GRID_SEARCH and RANDOM_SEARCH are what they say.
 */
import type { CreateAlgorithm } from '../algorithm';
import { BayesianOptimization } from './bayesian';
import { GridSearch } from './grid';
import { RandomSearch } from './random';

export const createAlgorithm: CreateAlgorithm = (spec, seed) => {
  switch (spec.algorithm) {
    case 'GRID_SEARCH':
      return new GridSearch(spec);
    case 'RANDOM_SEARCH':
      return new RandomSearch(spec, seed);
    default:
      return new BayesianOptimization(spec, seed);
  }
};

export { BayesianOptimization, initialDesignSize } from './bayesian';
export { GridSearch, coverageOrder } from './grid';
export { RandomSearch } from './random';
