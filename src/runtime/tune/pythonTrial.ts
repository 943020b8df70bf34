/**
 * A trial of a Python trainer package (a Cloud `Job` config with `trainingInput`): one run folder, the
 * package run as `python -m <module>` the way `gcloud ai-platform local train` runs it, with trial id
 * '1', '2', … (CLOUD_ML_TRIAL_ID, TF_CONFIG.task.trial), a job dir inside the run folder, and metrics
 * from the cloudml-hypertune metric file. Output goes to the run's trainer.log.
 */
import { join } from 'node:path';
import { runPythonTrial } from '../python/localTrain';
import { RunFolder } from '../runs/runFolder';
import type { HyperparameterValues } from '../spec/jobSpec';
import type { StepMetrics, TrialHandle, TrialOutcome } from './trialRunner';

/** The part of a loaded training job config a trial needs. */
export interface PythonTrainer {
  file: string;
  packagePath: string;
  module: string;
  args: string[];
}

export interface PythonTrialOptions {
  trainer: PythonTrainer;
  name: string;
  workspace: string;
  runId: string;
  trialId: string;
  hyperparameters: HyperparameterValues;
  python?: string;
  onStep(step: StepMetrics): void;
}

export const TRAINER_LOG = 'trainer.log';
export const JOB_DIR = 'job';

export function startPythonTrial(options: PythonTrialOptions): TrialHandle {
  const abort = new AbortController();
  let killed = false;
  const run = async (): Promise<TrialOutcome> => {
    const { trainer } = options;
    const folder = RunFolder.create(options.workspace, {
      runId: options.runId,
      name: options.name,
      specFile: trainer.file,
      hyperparameters: options.hyperparameters,
      seed: 0,
      spec: { packagePath: trainer.packagePath, module: trainer.module, args: trainer.args, trialId: options.trialId },
    });
    const started = performance.now();
    let index = 0;
    try {
      const result = await runPythonTrial({
        packagePath: trainer.packagePath,
        module: trainer.module,
        args: trainer.args,
        jobDir: join(folder.dir, JOB_DIR),
        hyperparameters: options.hyperparameters,
        trialId: options.trialId,
        python: options.python,
        signal: abort.signal,
        logFile: join(folder.dir, TRAINER_LOG),
        onMeasurement: (m) => {
          // Trainers that give no global_step report step 0 each time: number those reports instead.
          const step = m.step !== undefined && m.step > 0 ? m.step : ++index;
          const elapsed = Math.round(performance.now() - started) / 1000;
          folder.appendEvent({ type: 'epoch', epoch: step, time: new Date().toISOString(), elapsed, metrics: { [m.tag]: m.value } });
          options.onStep({ step, metrics: { [m.tag]: m.value } });
        },
      });
      if (result.cancelled) {
        folder.finish(killed ? 'failed' : 'cancelled', killed ? { error: 'stopped' } : {});
        return { status: killed ? 'failed' : 'cancelled' };
      }
      if (result.exitCode === 0) {
        folder.finish('succeeded');
        return { status: 'completed' };
      }
      const how = result.signal ? `was ended by signal ${result.signal}` : `exited with code ${result.exitCode}`;
      const error = `python -m ${trainer.module} ${how} (see ${join(folder.dir, TRAINER_LOG)})`;
      folder.finish('failed', { error });
      return { status: 'failed', error };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      folder.finish('failed', { error });
      return { status: 'failed', error };
    }
  };
  return {
    done: run(),
    running: Promise.resolve(),
    cancel: () => abort.abort(),
    kill: () => {
      killed = true;
      abort.abort();
    },
  };
}
