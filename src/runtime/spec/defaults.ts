/**
 * Defaults the engine relies on, filled in when a spec is loaded so that every reader of a loaded spec
 * (the trainer, the tuner, run.json, the UI) sees the same values. The schema documents each one.
 */
import type { HyperparameterSpec, JobSpec } from './jobSpec';

/** Cloud ML Engine's defaults (notes/cloudml-formats.md §2.1). */
export const HYPERPARAMETER_DEFAULTS = {
  goal: 'MAXIMIZE',
  hyperparameterMetricTag: 'training/hptuning/metric',
  maxTrials: 1,
  maxParallelTrials: 1,
  maxFailedTrials: 0,
  algorithm: 'ALGORITHM_UNSPECIFIED',
} as const satisfies Partial<HyperparameterSpec>;

const INT_FIELDS = ['maxTrials', 'maxParallelTrials', 'maxFailedTrials'] as const;

/**
 * The API sends int32/int64 fields as JSON strings ("maxTrials": "20"); the schema accepts both forms,
 * and from here on they are numbers. Expects a spec that passed the schema.
 */
export function normalizeIntegerStrings(spec: JobSpec): JobSpec {
  const hp = spec.hyperparameters;
  if (!hp) return spec;
  const normalized: Record<string, unknown> = { ...hp };
  for (const field of INT_FIELDS) {
    const value: unknown = hp[field];
    if (typeof value === 'string') normalized[field] = Number(value);
  }
  return { ...spec, hyperparameters: normalized as unknown as HyperparameterSpec };
}

/** Fills in the defaults. Expects a spec that passed the schema; returns a new object. */
export function applySpecDefaults(spec: JobSpec): JobSpec {
  const out: JobSpec = { ...spec, data: { onBadRecord: 'fail', ...spec.data } };
  if ('layers' in spec.model) out.model = { head: 'auto', ...spec.model };
  if (spec.hyperparameters) out.hyperparameters = { ...HYPERPARAMETER_DEFAULTS, ...spec.hyperparameters };
  return out;
}
