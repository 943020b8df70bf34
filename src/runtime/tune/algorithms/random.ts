/**
 * RANDOM_SEARCH: independent uniform draws in the sampling view of the space (space.ts).
 *
 * The k-th trial of a study (k = its position in the history) is drawn from its own stream named by the seed
 * and k, so the suggestions depend only on the seed and the number of trials so far: a batch of n equals n
 * single suggestions, and a resumed study continues exactly where it stopped. A draw that repeats a
 * configuration already in the study (possible in small discrete spaces) is redrawn from the same stream;
 * a nearly used-up finite space is enumerated instead (drawUnused).
 */
import type { HyperparameterSpec, HyperparameterValues } from '../../spec/jobSpec';
import type { SuggestRequest, SuggestionAlgorithm } from '../algorithm';
import { SearchSpace } from '../space';
import { usedKeys } from './history';
import { type Random, stream } from './rng';

/** Redraws before giving up on a space with (almost) nothing left. */
const MAX_REDRAWS = 200;

/** Finite spaces up to this size are enumerated when redraws keep hitting used configurations. */
const MAX_ENUMERATED = 100_000;

/**
 * An unused parameter set drawn uniformly from the space, or undefined when the space is used up. When
 * redraws keep failing (a nearly exhausted finite space) the unused configurations are listed and one is
 * picked from the same stream, so a random study covers a small space completely before it stops.
 */
export function drawUnused(space: SearchSpace, random: Random, used: Set<string>): HyperparameterValues | undefined {
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const values = space.fromSample(space.dimensions.map(() => random()));
    const key = space.key(values);
    if (!used.has(key)) return values;
  }
  if (space.size > MAX_ENUMERATED) return undefined;
  const unused: HyperparameterValues[] = [];
  const dims = space.dimensions;
  const index = new Array<number>(dims.length).fill(0);
  for (;;) {
    const values: HyperparameterValues = {};
    dims.forEach((d, i) => {
      values[d.spec.parameterName] = space.valueOfIndex(d, index[i]);
    });
    if (!used.has(space.key(values))) unused.push(values);
    let i = dims.length - 1;
    while (i >= 0 && ++index[i] >= dims[i].count) index[i--] = 0;
    if (i < 0) break;
  }
  return unused.length ? unused[Math.floor(random() * unused.length)] : undefined;
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
