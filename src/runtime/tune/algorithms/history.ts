/**
 * Reading a study's history the way every algorithm must: which parameter sets are taken, which trials
 * carry an objective, and the objective turned into a quantity to minimise.
 */
import type { Goal, HyperparameterValues } from '../../spec/jobSpec';
import type { TrialObservation } from '../algorithm';
import type { SearchSpace } from '../space';

/** A trial with a usable objective, oriented so that smaller is better. */
export interface Observation {
  parameters: HyperparameterValues;
  /** The objective for MINIMIZE, its negation otherwise. */
  loss: number;
}

/** Keys of every parameter set already in the history (any state): none of them is suggested again. */
export function usedKeys(space: SearchSpace, history: readonly TrialObservation[]): Set<string> {
  return new Set(history.map((t) => space.key(t.parameters)));
}

/**
 * COMPLETED and STOPPED trials with a finite objective. A stopped trial's value is a real measurement of
 * that configuration (early stopping keeps its metrics), so it informs the model; FAILED trials and
 * non-finite objectives do not.
 */
export function observations(history: readonly TrialObservation[], goal: Goal | undefined): Observation[] {
  // GOAL_TYPE_UNSPECIFIED is treated as MAXIMIZE, as the service does (cloudml-formats.md §2.1).
  const sign = goal === 'MINIMIZE' ? 1 : -1;
  const out: Observation[] = [];
  for (const t of history) {
    if ((t.state === 'COMPLETED' || t.state === 'STOPPED') && typeof t.objective === 'number' && Number.isFinite(t.objective)) {
      out.push({ parameters: t.parameters, loss: sign * t.objective });
    }
  }
  return out;
}

/** Trials still running: their configurations are taken, their outcomes unknown. */
export function pendingTrials(history: readonly TrialObservation[]): TrialObservation[] {
  return history.filter((t) => t.state === 'ACTIVE');
}
