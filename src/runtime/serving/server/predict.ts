/**
 * From checked instances to predictions, with Cloud ML Engine's all-or-nothing rule: if any instance
 * fails, the request fails, and the message names the first failing instance by its index in the request
 * (engines number instances within the batch they were given, which batching makes different).
 */
import { HttpError } from './httpError';
import type { ServedVersion } from './servedModels';

/** An instance the model rejected. Cloud ML renders it as PredictionError "Invalid inputs" (code 1). */
export class InstanceFailure extends HttpError {
  constructor(
    readonly index: number,
    readonly detail: string,
    readonly others: number,
  ) {
    // `others` counts failures among the instances examined (the engine stops looking after the first failing slice).
    super(400, `instance ${index}: ${detail}${others > 0 ? ` (and ${others} more failing instance${others > 1 ? 's' : ''} seen)` : ''}`);
  }
}

/** The model itself failed (not one instance): PredictionError "Failed to run the provided model" (code 2). */
export class ModelFailure extends HttpError {
  constructor(readonly detail: string) {
    super(500, `Failed to run the provided model: ${detail} (Error code: 2)`);
  }
}

/**
 * Large requests go to the engine in slices, stopping at the first slice with a failing instance: the
 * answer is an error anyway, and a 1.5 MB body of 300,000 bad instances must not cost seconds of engine time.
 */
export const SLICE = 1024;

export async function predictAll(served: ServedVersion, instances: unknown[]): Promise<unknown[]> {
  const predictions = new Array<unknown>(instances.length);
  for (let start = 0; start < instances.length; start += SLICE) {
    const slice = start === 0 && instances.length <= SLICE ? instances : instances.slice(start, start + SLICE);
    let outcomes;
    try {
      outcomes = await served.predict(slice);
    } catch (err) {
      throw new ModelFailure(err instanceof Error ? err.message : String(err));
    }
    let first = -1;
    let failures = 0;
    outcomes.forEach((o, i) => {
      if ('error' in o) {
        if (first < 0) first = i;
        failures++;
      } else predictions[start + i] = o.prediction;
    });
    if (first >= 0) {
      const message = (outcomes[first] as { error: string }).error.replace(/^instance \d+\s*:?\s*/, '');
      throw new InstanceFailure(start + first, message, failures - 1);
    }
  }
  return predictions;
}
