/**
 * The part of serving a Model Lab bundle that does not depend on the runtime computing it: each raw
 * instance checked against the saved transform on its own (a bad one fails alone, named by its index
 * in the request), the good ones transformed together and run as one batch, then decoded.
 */
import type { RawRecord } from '../../data/records';
import { applyTransform, decodeOutputs, validateInstances } from '../../transform/apply';
import type { FittedTransform } from '../../transform/fittedTransform';
import type { PredictOutcome } from '../modelEngine';

export type RunTransformed = (x: Float32Array, n: number) => Promise<Float32Array>;

export async function predictBundleInstances(transform: FittedTransform, instances: unknown[], run: RunTransformed): Promise<PredictOutcome[]> {
  const outcomes: PredictOutcome[] = new Array(instances.length);
  const good: RawRecord[] = [];
  const goodIndex: number[] = [];
  instances.forEach((instance, i) => {
    try {
      validateInstances(transform, [instance as RawRecord]);
      good.push(instance as RawRecord);
      goodIndex.push(i);
    } catch (err) {
      // The transform numbers instances within the list it was given: say which one of the request's.
      outcomes[i] = { error: (err instanceof Error ? err.message : String(err)).replace(/^instance 0\b/, `instance ${i}`) };
    }
  });
  if (good.length > 0) {
    const outputs = await run(applyTransform(transform, good), good.length);
    decodeOutputs(transform, outputs, good.length).forEach((prediction, j) => (outcomes[goodIndex[j]] = { prediction }));
  }
  return outcomes;
}
