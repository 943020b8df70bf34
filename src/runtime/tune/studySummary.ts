/** What listings show of a study (`model-lab studies`, the protocol's `studies` and `study` requests). */
import type { StudySummary, TrainingOutput } from '../../protocol/runtimeProtocol';
import { listStudies, StudyFolder, studyProcessGone } from './studyFolder';
import type { StudyRecord } from './studyRecord';
import { buildTrainingOutput } from './trainingOutput';

export function summarizeStudy(record: StudyRecord): StudySummary {
  const hp = record.hyperparameters;
  return {
    studyId: record.studyId,
    name: record.name,
    state: record.state,
    interrupted: studyProcessGone(record),
    algorithm: record.algorithm,
    goal: hp.goal ?? 'MAXIMIZE',
    hyperparameterMetricTag: hp.hyperparameterMetricTag ?? 'training/hptuning/metric',
    maxTrials: hp.maxTrials ?? 1,
    counts: record.counts,
    best: record.best,
    createdAt: record.createdAt,
    endedAt: record.endedAt,
  };
}

export function studySummaries(workspace: string): StudySummary[] {
  return listStudies(workspace).map(summarizeStudy);
}

export function studyDetails(workspace: string, studyId: string): { study: StudySummary; trainingOutput: TrainingOutput } {
  const folder = StudyFolder.open(workspace, studyId);
  return { study: summarizeStudy(folder.state), trainingOutput: buildTrainingOutput(folder.state, folder.trials) };
}
