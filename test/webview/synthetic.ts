/**
 * Synthetic studies and runs for the webview's tests and benchmark: deterministic (seeded), shaped like
 * the host's messages, with an objective that depends mostly on the learning rate.
 */
import type { CurveSeries, EpochPoint, HostMessage, ParamInfo, RunSnapshot, StudySnapshot, TrialRow } from '../../src/protocol/webviewProtocol';

export type InitMessage = Extract<HostMessage, { type: 'init' }>;

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PARAMS: ParamInfo[] = [
  { name: 'learning_rate', type: 'DOUBLE', min: 1e-4, max: 0.1, scale: 'UNIT_LOG_SCALE' },
  { name: 'units', type: 'INTEGER', min: 16, max: 256 },
  { name: 'dropout', type: 'DOUBLE', min: 0, max: 0.5 },
  { name: 'optimizer', type: 'CATEGORICAL', values: ['adam', 'sgd', 'rmsprop'] },
];

export function objectiveOf(p: Record<string, number | string>): number {
  return 0.95 - 0.08 * Math.abs(Math.log10(p.learning_rate as number) + 2.5) - (p.optimizer === 'sgd' ? 0.02 : 0);
}

export function syntheticTrial(i: number, random: () => number, state: TrialRow['state']): TrialRow {
  const parameters = {
    learning_rate: 10 ** (-4 + 3 * random()),
    units: 16 * (1 + Math.floor(random() * 16)),
    dropout: 0.5 * random(),
    optimizer: ['adam', 'sgd', 'rmsprop'][Math.floor(random() * 3)],
  };
  const objective = objectiveOf(parameters) + 0.01 * random();
  const finished = state === 'completed' || state === 'stopped';
  return {
    trialId: String(i),
    state,
    parameters,
    objective: finished ? objective : undefined,
    lastValue: state === 'running' ? objective * 0.9 : undefined,
    step: state === 'queued' ? undefined : state === 'running' ? 40 : 100,
    stoppedEarly: state === 'stopped',
    runId: `run-${i}`,
    durationSeconds: state === 'queued' ? undefined : 10 + 50 * random(),
  };
}

/** An `init` for a study of n trials: most completed, some stopped early or failed, the last 8 running. */
export function syntheticStudy(n: number, seed = 1): InitMessage {
  const random = rng(seed);
  const trials: TrialRow[] = [];
  for (let i = 1; i <= n; i++) {
    const r = random();
    const state = i > n - 8 ? 'running' : r < 0.1 ? 'stopped' : r < 0.13 ? 'failed' : 'completed';
    trials.push(syntheticTrial(i, random, state));
  }
  let best: TrialRow | undefined;
  for (const t of trials) if (t.objective !== undefined && (!best || t.objective > best.objective!)) best = t;
  const snapshot: StudySnapshot = {
    kind: 'study',
    live: true,
    trials,
    header: {
      studyId: 'study-synthetic',
      studyDir: '/ws/.modellab/studies/study-synthetic',
      name: `synthetic ${n}`,
      state: 'RUNNING',
      interrupted: false,
      algorithm: 'ALGORITHM_UNSPECIFIED',
      goal: 'MAXIMIZE',
      metricTag: 'accuracy',
      maxTrials: n + 100,
      parallel: 8,
      params: PARAMS,
      best: best ? { trialId: best.trialId, objective: best.objective! } : undefined,
      createdAt: '2026-11-27T10:00:00Z',
    },
  };
  return { type: 'init', target: { kind: 'study', workspace: '/ws', studyId: 'study-synthetic' }, snapshot };
}

/** A `study/update` changing `count` trials (running ones finish, others get new values), round `round`. */
export function syntheticUpdate(n: number, count: number, round: number): Extract<HostMessage, { type: 'study/update' }> {
  const random = rng(1000 + round);
  const trials: TrialRow[] = [];
  for (let k = 0; k < count; k++) {
    const i = 1 + Math.floor(random() * n);
    trials.push(syntheticTrial(i, random, random() < 0.5 ? 'completed' : 'running'));
  }
  return { type: 'study/update', trials };
}

export function syntheticPoints(epochs: number, from = 1, seed = 3): EpochPoint[] {
  const random = rng(seed);
  return Array.from({ length: epochs }, (_, k) => {
    const step = from + k;
    const loss = 1.5 * Math.exp(-step / 20) + 0.05 * random();
    const accuracy = 0.9 * (1 - Math.exp(-step / 15));
    return { step, metrics: { loss, accuracy, val_loss: loss * 1.1, val_accuracy: accuracy * 0.97 } };
  });
}

export function syntheticCurves(runIds: string[], epochs: number, from = 1): CurveSeries[] {
  return runIds.map((runId, i) => ({ runId, trialId: runId.replace(/^run-/, ''), points: syntheticPoints(epochs, from, i + 1) }));
}

export function syntheticRun(epochsDone: number): InitMessage {
  const snapshot: RunSnapshot = {
    kind: 'run',
    live: true,
    points: syntheticPoints(epochsDone),
    progress: { phase: 'train', epoch: epochsDone, epochs: 20, batch: 3, batches: 50, loss: 0.4 },
    logTail: ['starting', `epoch ${epochsDone}`],
    header: {
      runId: 'run-7',
      runDir: '/ws/.modellab/runs/run-7',
      name: 'iris mlp',
      state: 'running',
      epochs: 20,
      epochsRun: epochsDone,
      hyperparameters: { learning_rate: 0.01, units: 64 },
      backend: { name: 'wasm', device: 'CPU (SIMD)' },
      signature: { inputs: [{ name: 'features', type: 'float32[4]' }], outputs: ['probabilities'], labels: ['setosa', 'versicolor', 'virginica'] },
      bundleDir: '/ws/.modellab/runs/run-7/model',
    },
  };
  return { type: 'init', target: { kind: 'run', workspace: '/ws', runId: 'run-7', runDir: '/ws/.modellab/runs/run-7' }, snapshot };
}
