/**
 * A study's result in Cloud ML Engine's `trainingOutput` shape (notes/cloudml-formats.md §2.3): every
 * hyperparameter value a string, int64 fields (`completedTrialCount`, `trainingStep`) strings, trials
 * sorted best first by the goal (trials without a final metric after them, by trial id), as the service
 * lists them. Additions of ours: `runId`, `durationSeconds`, `error`.
 */
import type { HyperparameterTrialOutput, TrainingOutput } from '../../protocol/runtimeProtocol';
import type { StudyRecord } from './studyRecord';
import type { TrialRecord } from './trialLog';

/** Cloud's Job state for a trial: a trial stopped early SUCCEEDED (with `isTrialStoppedEarly`). */
function cloudState(t: TrialRecord): HyperparameterTrialOutput['state'] {
  switch (t.state) {
    case 'COMPLETED':
    case 'STOPPED':
      return 'SUCCEEDED';
    case 'FAILED':
      return 'FAILED';
    default:
      return t.queued ? 'QUEUED' : 'RUNNING';
  }
}

export function trialOutput(t: TrialRecord): HyperparameterTrialOutput {
  const out: HyperparameterTrialOutput = {
    trialId: t.trialId,
    hyperparameters: Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, String(v)])),
    state: cloudState(t),
    isTrialStoppedEarly: t.stoppedEarly,
    runId: t.runId,
  };
  if (t.objective !== undefined && (t.state === 'COMPLETED' || t.state === 'STOPPED')) {
    out.finalMetric = { trainingStep: String(t.step ?? 0), objectiveValue: t.objective };
  }
  if (t.startTime) out.startTime = t.startTime;
  if (t.endTime) out.endTime = t.endTime;
  if (t.startTime && t.endTime) out.durationSeconds = Math.round((Date.parse(t.endTime) - Date.parse(t.startTime)) / 10) / 100;
  if (t.error) out.error = t.error;
  return out;
}

/** Best first by the goal; trials without a final metric last, in trial-id order. */
export function sortTrials(trials: HyperparameterTrialOutput[], goal: StudyRecord['hyperparameters']['goal']): HyperparameterTrialOutput[] {
  const sign = goal === 'MINIMIZE' ? 1 : -1;
  return [...trials].sort((a, b) => {
    const va = a.finalMetric?.objectiveValue;
    const vb = b.finalMetric?.objectiveValue;
    if (va !== undefined && vb !== undefined && va !== vb) return sign * (va - vb);
    if (va !== undefined && vb === undefined) return -1;
    if (va === undefined && vb !== undefined) return 1;
    return Number(a.trialId) - Number(b.trialId);
  });
}

export function buildTrainingOutput(record: StudyRecord, trials: readonly TrialRecord[]): TrainingOutput {
  const outputs = trials.map(trialOutput);
  return {
    // Cloud counts the trials that finished successfully; early-stopped ones did.
    completedTrialCount: String(trials.filter((t) => t.state === 'COMPLETED' || t.state === 'STOPPED').length),
    trials: sortTrials(outputs, record.hyperparameters.goal),
    isHyperparameterTuningJob: true,
    hyperparameterMetricTag: record.hyperparameters.hyperparameterMetricTag ?? 'training/hptuning/metric',
  };
}
