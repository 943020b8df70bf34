/**
 * Automated early stopping: Google Vizier's Median Stopping Rule (Golovin et al., KDD 2017, §3.2.2).
 *
 *   Stop a pending trial x_t at step s if its BEST objective value by step s is strictly worse than the
 *   median of the RUNNING AVERAGES ô^τ_{1:s} = (1/s)·Σ_{i≤s} o^τ_i of all completed trials τ, taken over
 *   their measurements up to step s.
 *
 * Two guards stop it from acting on too little evidence (Vizier leaves them to the service; Optuna's
 * `n_startup_trials`/`n_warmup_steps` and Ray's `min_samples_required`/`grace_period` are the same idea):
 * a minimum number of completed trials with measurements up to s, and a minimum number of measurements
 * of the trial itself. The rule is stateless and pure, like Vizier's `ShouldTrialStop` call.
 *
 * "Completed" follows Vizier's data model, where a trial stopped early ends COMPLETED with its partial
 * curve: callers pass both COMPLETED and STOPPED trials as the reference. Their curves make the median
 * less demanding, never more, so this choice errs on the side of letting trials run.
 */
import type { Measurement } from './trialLog';

export interface MedianStoppingOptions {
  goal: 'MAXIMIZE' | 'MINIMIZE' | 'GOAL_TYPE_UNSPECIFIED' | undefined;
  /** Completed trials with a measurement at or before step s needed before the rule acts (default 3). */
  minCompletedTrials?: number;
  /** Measurements the trial must have reported before the rule acts (default 2). */
  minMeasurements?: number;
}

export const MEDIAN_STOPPING_DEFAULTS = { minCompletedTrials: 3, minMeasurements: 2 } as const;

export interface StoppingDecision {
  stop: boolean;
  /** The step s the rule looked at (the trial's last measurement). */
  step?: number;
  /** The trial's best value by step s. */
  best?: number;
  /** The median of the completed trials' running averages up to step s. */
  median?: number;
  /** How many completed trials the median was taken over. */
  references?: number;
  /** Why it did not act, or what it compared. */
  reason: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Mean of the values reported at steps ≤ s; undefined when there is none. */
export function runningAverage(curve: readonly Measurement[], step: number): number | undefined {
  let sum = 0;
  let n = 0;
  for (const m of curve) {
    if (m.step <= step && Number.isFinite(m.value)) {
      sum += m.value;
      n++;
    }
  }
  return n === 0 ? undefined : sum / n;
}

/**
 * Should the trial whose measurements are `curve` stop now? `completed` holds the curves of the
 * completed trials (see the module comment). Non-finite values are ignored.
 */
export function shouldStopTrial(curve: readonly Measurement[], completed: readonly (readonly Measurement[])[], options: MedianStoppingOptions): StoppingDecision {
  const minCompleted = options.minCompletedTrials ?? MEDIAN_STOPPING_DEFAULTS.minCompletedTrials;
  const minMeasurements = options.minMeasurements ?? MEDIAN_STOPPING_DEFAULTS.minMeasurements;
  const finite = curve.filter((m) => Number.isFinite(m.value));
  if (finite.length < Math.max(1, minMeasurements)) {
    return { stop: false, reason: `the trial has ${finite.length} of the ${minMeasurements} measurements needed` };
  }
  const step = Math.max(...finite.map((m) => m.step));
  const minimize = options.goal === 'MINIMIZE';
  const values = finite.filter((m) => m.step <= step).map((m) => m.value);
  const best = minimize ? Math.min(...values) : Math.max(...values);

  const averages: number[] = [];
  for (const other of completed) {
    const avg = runningAverage(other, step);
    if (avg !== undefined) averages.push(avg);
  }
  if (averages.length < Math.max(1, minCompleted)) {
    return { stop: false, step, best, references: averages.length, reason: `${averages.length} of the ${minCompleted} completed trials needed have measurements up to step ${step}` };
  }
  const med = median(averages);
  const stop = minimize ? best > med : best < med;
  return {
    stop,
    step,
    best,
    median: med,
    references: averages.length,
    reason: `best ${best} by step ${step} is ${stop ? 'strictly worse than' : 'not worse than'} the median ${med} of ${averages.length} completed trials' running averages`,
  };
}
