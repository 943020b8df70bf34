/**
 * The runtime protocol's HyperTune requests. A study runs here, in the runtime process, beside the
 * training queue but not in it: its trials train in worker processes it spawns (more runtime processes,
 * this same bundle), so a study and a plain training run do not wait for each other.
 */
import { type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import {
  GetStudyRequest,
  ListStudiesRequest,
  LogNotification,
  RuntimeErrorCode,
  StopStudyRequest,
  StopTrialRequest,
  StudyMeasurementNotification,
  StudyStateNotification,
  StudySuggestionNotification,
  StudyTrialStateNotification,
  TuneRequest,
} from '../../protocol/runtimeProtocol';
import { SpecError } from '../spec/specError';
import { studyDetails, studySummaries } from '../tune/studySummary';
import { TuneJob } from '../tune/tuneJob';

function toResponseError(err: unknown): ResponseError<unknown> {
  if (err instanceof SpecError) return new ResponseError(RuntimeErrorCode.SpecInvalid, err.message, { problems: err.problems });
  return new ResponseError(RuntimeErrorCode.Internal, err instanceof Error ? err.message : String(err), {});
}

export function registerStudyHandlers(connection: MessageConnection, options: { runtimePath: string }): void {
  const studies = new Map<string, TuneJob>();

  connection.onRequest(TuneRequest, async (params, token) => {
    let job: TuneJob;
    try {
      job = await TuneJob.prepare(
        { ...params, runtimePath: options.runtimePath, resumeStudyId: params.resumeStudyId },
        {
          onStudy: (p) => void connection.sendNotification(StudyStateNotification, p),
          onSuggestion: (p) => void connection.sendNotification(StudySuggestionNotification, p),
          onTrialState: (p) => void connection.sendNotification(StudyTrialStateNotification, p),
          onMeasurement: (p) => void connection.sendNotification(StudyMeasurementNotification, p),
          onLog: (level, message) => void connection.sendNotification(LogNotification, { level, message }),
        },
      );
    } catch (err) {
      throw toResponseError(err);
    }
    studies.set(job.studyId, job);
    token.onCancellationRequested(() => job.stop('CANCELLED', 'the request was cancelled'));
    try {
      return await job.run();
    } finally {
      studies.delete(job.studyId);
    }
  });

  connection.onRequest(StopTrialRequest, ({ studyId, trialId }) => ({ stopped: studies.get(studyId)?.stopTrial(trialId) ?? false }));

  connection.onRequest(StopStudyRequest, ({ studyId }) => {
    const job = studies.get(studyId);
    job?.stop('CANCELLED', 'stopped by the user');
    return { stopped: job !== undefined };
  });

  connection.onRequest(ListStudiesRequest, ({ workspace }) => ({ studies: studySummaries(workspace) }));

  connection.onRequest(GetStudyRequest, ({ workspace, studyId }) => {
    try {
      return studyDetails(workspace, studyId);
    } catch (err) {
      throw toResponseError(err);
    }
  });
}
