/**
 * bench/tune/overhead: wall-clock overhead per trial of the study machinery's warm worker pool against
 * a cold process per trial, measured in the same run on the same trials. A tiny spec (iris, 1 epoch)
 * makes the trials' own work small, so what is left is overhead: process start, loading TensorFlow.js
 * and initialising its backend (once per worker in the pool, once per trial cold), plus the study's
 * own bookkeeping (suggestions, trials.jsonl, study.json) on the warm side.
 *
 * Overhead per trial = wall time per trial − the trial's own work, taken as the median run time
 * (run.json createdAt → endedAt) of the warm trials: the same trials, same hyperparameters, both ways.
 * A cold trial's run also holds the backend's initialisation, which is overhead, not work: hence the
 * median of the warm runs rather than each side's own. Trials run one at a time so the two sides do
 * not compete for cores.
 *
 *   npm run build && node --import tsx bench/tune/overhead.bench.ts [--trials 12] [--epochs 1]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RuntimeClient } from '../../src/runtime-client/runtimeClient';
import { readRunRecord } from '../../src/runtime/runs/runRecord';
import { TuneJob } from '../../src/runtime/tune/tuneJob';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '12' },
    epochs: { type: 'string', default: '1' },
  },
});
const TRIALS = Number(values.trials);
const ROOT = resolve(__dirname, '../..');
const RUNTIME = join(ROOT, 'dist/runtime.js');
const SPEC = join(ROOT, 'examples/iris/modellab.yaml');
const OVERRIDES = [`training.epochs=${values.epochs}`, 'training.earlyStopping=false', `hyperparameters.maxTrials=${TRIALS}`, 'hyperparameters.algorithm=RANDOM_SEARCH'];

function runSeconds(workspace: string, runId: string): number {
  const r = readRunRecord(join(workspace, '.modellab/runs', runId));
  return (Date.parse(r.endedAt!) - Date.parse(r.createdAt)) / 1000;
}

interface Side {
  wallPerTrial: number;
  runPerTrial: number;
  overheadPerTrial: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function side(wallSeconds: number, runSeconds: number[], work: number): Side {
  const wallPerTrial = wallSeconds / runSeconds.length;
  const runPerTrial = runSeconds.reduce((a, b) => a + b, 0) / runSeconds.length;
  return { wallPerTrial, runPerTrial, overheadPerTrial: wallPerTrial - work };
}

async function warmPool(): Promise<{ result: Side; work: number; trials: { runId: string; hyperparameters: Record<string, number | string> }[] }> {
  const workspace = mkdtempSync(join(tmpdir(), 'ml-bench-warm-'));
  const t0 = performance.now();
  const job = await TuneJob.prepare({ specFile: SPEC, workspace, overrides: OVERRIDES, parallel: 1, seed: 1, runtimePath: RUNTIME });
  const out = await job.run();
  const wall = (performance.now() - t0) / 1000;
  if (out.state !== 'SUCCEEDED') throw new Error(`the warm study ended ${out.state}: ${out.message}`);
  const trials = job.folder.trials.map((t) => ({ runId: t.runId, hyperparameters: t.parameters }));
  const runs = trials.map((t) => runSeconds(workspace, t.runId));
  const work = median(runs);
  return { result: side(wall, runs, work), work, trials };
}

async function coldProcesses(trials: { hyperparameters: Record<string, number | string> }[], work: number): Promise<Side> {
  const workspace = mkdtempSync(join(tmpdir(), 'ml-bench-cold-'));
  const runs: number[] = [];
  const t0 = performance.now();
  for (const [i, t] of trials.entries()) {
    const client = await RuntimeClient.start({ runtimePath: RUNTIME });
    const runId = `cold-${i + 1}`;
    const result = await client.train({ specFile: SPEC, workspace, runId, overrides: OVERRIDES, hyperparameters: t.hyperparameters });
    await client.dispose();
    if (result.status !== 'succeeded') throw new Error(`cold trial ${i + 1} ${result.status}: ${result.error}`);
    runs.push(runSeconds(workspace, runId));
  }
  return side((performance.now() - t0) / 1000, runs, work);
}

async function main() {
  console.log(`bench/tune/overhead: ${TRIALS} trials of ${SPEC} (${values.epochs} epoch), one at a time, node ${process.version}`);
  const warm = await warmPool();
  const cold = await coldProcesses(warm.trials, warm.work);
  const row = (name: string, s: Side) =>
    `| ${name.padEnd(26)} | ${s.wallPerTrial.toFixed(3).padStart(8)} | ${s.runPerTrial.toFixed(3).padStart(8)} | ${s.overheadPerTrial.toFixed(3).padStart(12)} |`;
  console.log('| per trial, seconds         |     wall | run mean | overhead     |');
  console.log('|----------------------------|----------|----------|--------------|');
  console.log(row('warm worker pool (study)', warm.result));
  console.log(row('cold process per trial', cold));
  console.log(`overhead ratio (cold / warm): ${(cold.overheadPerTrial / warm.result.overheadPerTrial).toFixed(1)}×; wall ratio: ${(cold.wallPerTrial / warm.result.wallPerTrial).toFixed(2)}×`);
  console.log(`(work per trial = median warm run ${warm.work.toFixed(3)} s; a cold run is longer because it initialises the backend inside the run)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
