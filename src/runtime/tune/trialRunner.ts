/**
 * What the orchestrator needs from a running trial, whatever runs it (a warm worker for spec-defined
 * models and trainer modules, a Python process for trainer packages).
 */

export interface TrialOutcome {
  /** `cancelled`: the trial was asked to stop (early stopping, a user stop, a time limit, a study stop). */
  status: 'completed' | 'cancelled' | 'failed';
  error?: string;
}

/** Every metric one step (epoch) reported; the orchestrator picks the objective out of it. */
export interface StepMetrics {
  step: number;
  metrics: Record<string, number>;
}

export interface TrialHandle {
  readonly done: Promise<TrialOutcome>;
  /**
   * Settles when the trial's own work begins (a worker was found for it): the time limit counts from
   * here, so starting a fresh worker after a crash is not charged to the trial.
   */
  readonly running: Promise<void>;
  /** Asks the trial to stop; it ends `cancelled`, keeping what it has (metrics, bundle). */
  cancel(): void;
  /** Ends a trial that does not stop when asked (its process is killed); it ends `failed`. */
  kill(): void;
}
