/**
 * RANDOM_SEARCH: independent uniform draws in the sampling view of the space (space.ts).
 *
 * The k-th trial of a study (k = its position in the history) is drawn from its own stream named by the seed
 * and k, so the suggestions depend only on the seed and the number of trials so far: a batch of n equals n
 * single suggestions, and a resumed study continues exactly where it stopped. A draw that repeats a
 * configuration already in the study (possible in small discrete spaces) is redrawn from the same stream.
 */
import type { HyperparameterSpec, HyperparameterValues } from '../../spec/jobSpec';
import type { SuggestRequest, SuggestionAlgorithm } from '../algorithm';
import { SearchSpace } from '../space';
import { usedKeys } from './history';
import { type Random, stream } from './rng';

/** Redraws before giving up on a space with (almost) nothing left. */
const MAX_REDRAWS = 200;

/** An unused parameter set drawn uniformly from the space, or undefined when none was found. */
export function drawUnused(space: SearchSpace, random: Random, used: Set<string>): HyperparameterValues | undefined {
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const values = space.fromSample(space.dimensions.map(() => random()));
    const key = space.key(values);
    if (!used.has(key)) return values;
  }
  return undefined;
}

export class RandomSearch implements SuggestionAlgorithm {
  readonly name = 'RANDOM_SEARCH' as const;
  private readonly space: SearchSpace;

  constructor(spec: HyperparameterSpec, private readonly seed: number) {
    this.space = new SearchSpace(spec.params);
  }

  suggest(request: SuggestRequest): HyperparameterValues[] {
    const used = usedKeys(this.space, request.history);
    const out: HyperparameterValues[] = [];
    for (let i = 0; i < request.count; i++) {
      const values = drawUnused(this.space, stream(this.seed, 'random', request.history.length + i), used);
      if (!values) break;
      used.add(this.space.key(values));
      out.push(values);
    }
    return out;
  }
}
