/**
 * One training run from a job spec, end to end: load and check the spec, read the data, fit the
 * transform on the training split, build the model, train, and write the run folder and the model
 * bundle. The CLI, the runtime process and the tuner all call this; they differ only in how they
 * show the events.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type {
  BackendRequest,
  RunEpochParams,
  RunProgressParams,
  RunStartedParams,
  TrainResult,
  LogLevel,
} from '../../protocol/runtimeProtocol';
import { type BackendInfo, selectBackend } from '../backend/selectBackend';
import { releaseGpuMemory, translateGpuError } from '../backend/webgpuBackend';
import { saveBundle } from '../bundle/bundle';
import type { BundleManifest } from '../bundle/manifest';
import { loadDataset } from '../data/loadDataset';
import type { Dataset } from '../data/records';
import { buildLayersModel } from '../model/buildLayersModel';
import type { ModelShape } from '../model/modelShape';
import { buildFromTrainer } from '../model/trainerModule';
import { TrainerReports } from '../model/trainerReports';
import { CHECKPOINT_DIR, MODEL_DIR } from '../runs/runRecord';
import { newRunId, RunFolder } from '../runs/runFolder';
import type { HyperparameterValues, JobSpec, EarlyStoppingSpec } from '../spec/jobSpec';
import { loadJobSpec, type LoadedSpec } from '../spec/loadJobSpec';
import { RunSummaryWriter, tensorboardLogDir } from '../tensorboard/eventWriter';
import { analyzeTransform } from '../transform/analyze';
import { applyTransform, encodeLabels } from '../transform/apply';
import type { FittedTransform } from '../transform/fittedTransform';
import type { Examples } from './examples';
import { defaultLoss, defaultMetrics, resolveLoss, resolveMetrics } from './lossesAndMetrics';
import { createOptimizer } from './optimizers';
import { type EpochLogs, runTrainingLoop } from './trainingLoop';

export interface TrainJobRequest {
  specFile: string;
  runId?: string;
  workspace?: string;
  overrides?: string[];
  hyperparameters?: HyperparameterValues;
  backend?: BackendRequest;
  signal?: AbortSignal;
}

export interface TrainJobEvents {
  onRunStarted?(params: RunStartedParams): void;
  onProgress?(params: RunProgressParams): void;
  onEpoch?(params: RunEpochParams): void;
  onLog?(level: LogLevel, message: string, runId?: string): void;
}

const DEFAULTS = { epochs: 10, batchSize: 32, seed: 42 };

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100;
}

function toExamples(t: FittedTransform, records: Dataset['train'], xShape: number[]): Examples {
  return {
    x: applyTransform(t, records),
    y: encodeLabels(t, records),
    n: records.length,
    xShape,
    yWidth: t.label.task === 'classification' ? t.label.classes.length : 1,
  };
}

/** Input shape of one example: the transform's width, unless the first layer reshapes it. */
function modelShape(t: FittedTransform): ModelShape {
  return {
    inputShape: [t.inputWidth],
    task: t.label.task,
    outputUnits: t.label.task === 'classification' ? t.label.classes.length : 1,
  };
}

async function buildModel(loaded: LoadedSpec, shape: ModelShape, hyperparameters: HyperparameterValues, seed: number, reports: TrainerReports): Promise<tfl.LayersModel> {
  const model = loaded.spec.model;
  if ('trainer' in model) {
    return buildFromTrainer(resolve(loaded.baseDir, model.trainer), {
      inputShape: shape.inputShape,
      numClasses: shape.task === 'classification' ? shape.outputUnits : 0,
      hyperparameters,
      report: reports.report,
      onEpochEnd: reports.onEpochEnd,
    });
  }
  return buildLayersModel(model, shape, seed);
}

function checkModelFits(model: tfl.LayersModel, shape: ModelShape, trainer: boolean): void {
  const out = model.outputs[0].shape;
  const units = out[out.length - 1];
  if (out.length !== 2 || units !== shape.outputUnits) {
    const what = shape.task === 'classification' ? `${shape.outputUnits} class probabilities` : 'one value';
    const hint = trainer ? 'the trainer module must end with that layer' : "with 'head: none' the last layer must produce that";
    throw new Error(`the model's output has shape [${out.join(', ')}], but the task needs ${what} per example ([null, ${shape.outputUnits}]); ${hint}`);
  }
}

/** Columns and their inferred types, shortened for wide data (the run.json lists them all). */
function describeColumns(columns: Dataset['columns']): string {
  const shown = columns.slice(0, 8).map((c) => `${c.name}:${c.type}${c.missing ? ` (${c.missing} missing)` : ''}`);
  const more = columns.length > shown.length ? `, … ${columns.length - shown.length} more` : '';
  return `${columns.length} columns: ${shown.join(', ')}${more}`;
}

function dataFingerprint(dataset: Dataset): string {
  const hash = createHash('sha256');
  for (const f of dataset.files) hash.update(`${f.sha256}\n`);
  return hash.digest('hex');
}

function earlyStoppingOf(spec: JobSpec): EarlyStoppingSpec | undefined {
  const es = spec.training?.earlyStopping;
  if (es === undefined || es === false) return undefined;
  return es === true ? {} : es;
}

/**
 * The result of a run that started and then failed, from the error trainJob threw (which carries the
 * run's id and folder); undefined for an error before any run existed (an invalid spec).
 */
export function failedRunResult(err: unknown): TrainResult | undefined {
  const { runId, runDir } = err as { runId?: string; runDir?: string };
  if (!runDir) return undefined;
  return {
    runId: runId ?? '',
    runDir,
    status: 'failed',
    metrics: {},
    epochsRun: 0,
    bestEpoch: 0,
    stoppedEarly: false,
    error: err instanceof Error ? err.message : String(err),
  };
}

export async function trainJob(request: TrainJobRequest, events: TrainJobEvents = {}): Promise<TrainResult> {
  // A spec that does not load is the caller's error: no run is created for it.
  const loaded = await loadJobSpec(request.specFile, { overrides: request.overrides, hyperparameters: request.hyperparameters });
  const spec = loaded.spec;
  const hyperparameters = loaded.hyperparameters;
  const seed = spec.training?.seed ?? DEFAULTS.seed;
  const workspace = resolve(request.workspace ?? dirname(loaded.file));
  const runId = request.runId ?? newRunId(spec.name);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) throw new Error(`invalid run id '${runId}': use letters, digits, '-' and '_'`);
  const run = RunFolder.create(workspace, { runId, name: spec.name, specFile: loaded.file, hyperparameters, seed, spec });
  const log = (level: LogLevel, message: string) => {
    run.log(`[${level}] ${message}`);
    events.onLog?.(level, message, runId);
  };
  const progress = (p: Omit<RunProgressParams, 'runId'>) => events.onProgress?.({ runId, ...p });
  events.onRunStarted?.({ runId, runDir: run.dir, specFile: loaded.file });

  let backend: BackendInfo | undefined;
  let model: tfl.LayersModel | undefined;
  let summaries: RunSummaryWriter | undefined;
  const timings: Record<string, number> = {};
  try {
    let t0 = performance.now();
    backend = await selectBackend(request.backend ?? 'auto');
    run.update({ backend: { ...backend, notChosen: backend.notChosen as Record<string, string> } });
    log('info', `backend: ${backend.name} — ${backend.device}`);
    for (const [name, why] of Object.entries(backend.notChosen)) log('info', `backend ${name} not used: ${why}`);

    progress({ phase: 'loading-data', message: 'reading data' });
    t0 = performance.now();
    const dataset = await loadDataset(spec.data, loaded.baseDir, {
      signal: request.signal,
      onProgress: (rows) => progress({ phase: 'loading-data', message: `${rows} records read` }),
      locate: loaded.locate,
      specFile: loaded.file,
    });
    timings.loadData = seconds(t0);
    run.update({
      data: {
        trainRecords: dataset.train.length,
        evalRecords: dataset.eval.length,
        columns: dataset.columns.map((c) => ({ name: c.name, type: c.type, missing: c.missing })),
        skipped: dataset.skipped.length,
      },
      timings,
    });
    log('info', `data: ${dataset.train.length} training and ${dataset.eval.length} eval records; ${describeColumns(dataset.columns)}`);
    for (const bad of dataset.skipped.slice(0, 5)) log('warn', `skipped ${bad.file}:${bad.line}: ${bad.reason}`);
    if (dataset.skipped.length > 5) log('warn', `skipped ${dataset.skipped.length} records in all`);
    if (dataset.train.length === 0) throw new Error('the training split is empty');

    progress({ phase: 'analyzing', message: 'fitting the transform on the training split' });
    t0 = performance.now();
    const transform = analyzeTransform(dataset.train, dataset.columns, spec.features, spec.data.label, spec.data.task);
    const shape = modelShape(transform);
    const train = toExamples(transform, dataset.train, shape.inputShape);
    const evalSet = dataset.eval.length > 0 ? toExamples(transform, dataset.eval, shape.inputShape) : undefined;
    timings.analyze = seconds(t0);
    log('info', `transform: ${transform.features.length} features → ${transform.inputWidth} inputs; task ${transform.label.task}${transform.label.task === 'classification' ? ` (${transform.label.classes.length} classes)` : ''}`);

    progress({ phase: 'building-model' });
    // What a trainer module reports (ctx.report) joins each epoch's metrics.
    const reports = new TrainerReports();
    model = await buildModel(loaded, shape, hyperparameters, seed, reports);
    checkModelFits(model, shape, 'trainer' in spec.model);
    const training = spec.training ?? {};
    const lossName = training.loss ?? defaultLoss(shape.task);
    const metrics = resolveMetrics(training.metrics ?? defaultMetrics(shape.task), shape.task);
    const epochs = training.epochs ?? DEFAULTS.epochs;
    log('info', `model: ${model.countParams()} parameters; loss ${lossName}; metrics ${metrics.map((m) => m.name).join(', ')}`);

    summaries = new RunSummaryWriter(tensorboardLogDir(run.dir));
    const manifestFor = (epoch: number, logs: EpochLogs): BundleManifest => ({
      format: 'modellab-bundle',
      version: 1,
      framework: 'tfjs-layers',
      createdAt: new Date().toISOString(),
      task: shape.task,
      signature: {
        rawInputs: transform.features.map((f) => ({ name: f.column, type: dataset.columns.find((c) => c.name === f.column)?.type ?? 'string' })),
        inputs: [{ name: model!.inputs[0].name, dtype: 'float32', shape: [-1, ...shape.inputShape] }],
        outputs: [{ name: model!.outputs[0].name, dtype: 'float32', shape: [-1, shape.outputUnits] }],
      },
      transform,
      labels: transform.label.task === 'classification' ? transform.label.classes : undefined,
      metrics: logs,
      lineage: {
        runId,
        specFile: loaded.file,
        spec,
        hyperparameters,
        seed,
        backend: backend!.name,
        epoch,
        data: { files: dataset.files, trainRecords: train.n, evalRecords: evalSet?.n ?? 0, fingerprint: dataFingerprint(dataset) },
      },
    });

    t0 = performance.now();
    const tensorsBefore = tf.memory().numTensors;
    const result = await runTrainingLoop({
      model,
      train,
      eval: evalSet,
      epochs,
      batchSize: training.batchSize ?? DEFAULTS.batchSize,
      optimizer: createOptimizer(training.optimizer),
      loss: resolveLoss(lossName),
      metrics,
      earlyStopping: earlyStoppingOf(spec),
      seed,
      shuffle: training.shuffle ?? true,
      signal: request.signal,
      onBatchProgress: (p) => progress({ phase: 'training', ...p }),
      onEpochEnd: async (epoch, epochLogs, improved) => {
        const logs = await reports.endEpoch(epoch, epochLogs, model!);
        const elapsed = seconds(t0);
        run.appendEvent({ type: 'epoch', epoch, time: new Date().toISOString(), elapsed, metrics: logs });
        summaries!.writeEpoch(epoch - 1, logs);
        events.onEpoch?.({ runId, epoch, epochs, metrics: logs, improved, elapsedSeconds: elapsed });
        if (improved) await saveBundle(model!, manifestFor(epoch, logs), join(run.dir, CHECKPOINT_DIR));
        log('debug', `epoch ${epoch}: ${Object.entries(logs).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}; tensors ${tf.memory().numTensors - tensorsBefore}`);
      },
    });
    timings.train = seconds(t0);

    const kept = result.history[result.bestEpoch - 1];
    let bundleDir: string | undefined;
    if (kept) {
      progress({ phase: 'saving' });
      t0 = performance.now();
      bundleDir = join(run.dir, MODEL_DIR);
      await saveBundle(model, manifestFor(result.bestEpoch, kept), bundleDir);
      timings.save = seconds(t0);
    }
    const status = result.cancelled ? 'cancelled' : 'succeeded';
    const summary = {
      epochsRun: result.epochsRun,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      monitor: result.monitor,
      metrics: kept ?? {},
      bundleDir,
    };
    run.finish(status, { timings, result: summary });
    log('debug', `${status}: ${result.epochsRun} epochs${result.stoppedEarly ? ' (stopped early)' : ''}; kept epoch ${result.bestEpoch}`);
    return { runId, runDir: run.dir, status, ...summary, backend: run.state.backend };
  } catch (caught) {
    // Dawn's out-of-memory and device-lost errors, in words that say what to do.
    const err = translateGpuError(caught);
    const message = err instanceof Error ? err.message : String(err);
    run.finish('failed', { timings, error: message });
    log('error', message);
    throw Object.assign(err instanceof Error ? err : new Error(message), { runId, runDir: run.dir });
  } finally {
    await summaries?.close();
    model?.dispose();
    // The next run (another trial, another process) gets the GPU memory this one pooled.
    releaseGpuMemory();
  }
}
