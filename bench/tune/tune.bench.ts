/**
 * bench/tune: the HyperTune search algorithms on standard test functions (hypertune-reference.md §4, §7).
 * Median simple regret (best value found − f*) over seeds for the default algorithm (Bayesian) next to
 * RANDOM_SEARCH measured in the same run, and the default's suggestion latency at 100 trials in 10-D.
 * The objective is evaluated in-process (suggest → evaluate → append to history) with the real algorithms;
 * the study machinery with worker processes is benchmarked elsewhere (see README.md).
 *
 *   node --import tsx bench/tune/tune.bench.ts [--seeds 20] [--quick] [--only Branin]
 *
 * --quick runs 5 seeds (a rough check in well under two minutes).
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import type { Algorithm, HyperparameterSpec } from '../../src/runtime/spec/jobSpec';
import type { TrialObservation } from '../../src/runtime/tune/algorithm';
import { createAlgorithm } from '../../src/runtime/tune/algorithms';
import { type BenchFunction, branin, checkOptima, hartmann3, hartmann6, levy2, paramsOf, sixHumpCamel } from './functions';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const SEEDS = Number(values.seeds ?? (values.quick ? 5 : 20));

function evaluate(fn: BenchFunction, t: TrialObservation): number {
  return fn.f(fn.bounds.map((_, i) => Number(t.parameters[`x${i + 1}`])));
}

/**
 * One study: `parallel` trials run at once; each step completes the oldest running trial and refills the
 * free slots, so suggestions are made with the other trials still pending (ACTIVE), as in a real study.
 */
export function runStudy(fn: BenchFunction, algorithm: Algorithm, trials: number, seed: number, parallel = 1): number {
  const spec: HyperparameterSpec = { goal: 'MINIMIZE', maxTrials: trials, maxParallelTrials: parallel, algorithm, params: paramsOf(fn) };
  const algo = createAlgorithm(spec, seed);
  const history: TrialObservation[] = [];
  let best = Infinity;
  for (;;) {
    const running = history.filter((t) => t.state === 'ACTIVE').length;
    const free = Math.min(parallel - running, trials - history.length);
    if (free > 0) {
      for (const parameters of algo.suggest({ history, count: free })) {
        history.push({ trialId: String(history.length + 1), parameters, state: 'ACTIVE' });
      }
    }
    const oldest = history.find((t) => t.state === 'ACTIVE');
    if (!oldest) break;
    oldest.objective = evaluate(fn, oldest);
    oldest.state = 'COMPLETED';
    best = Math.min(best, oldest.objective);
  }
  return best - fn.optimum;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (v: number): string => (v === 0 ? '0' : v < 0.001 ? v.toExponential(1) : v < 10 ? v.toPrecision(3) : v.toFixed(1));

interface Row {
  name: string;
  trials: number;
  target: string;
  bo: string;
  random: string;
  met: boolean;
  seconds: number;
}

function regretRow(fn: BenchFunction, trials: number, target: number, parallel = 1, label = fn.name): Row {
  const start = performance.now();
  const bo: number[] = [];
  const rs: number[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    bo.push(runStudy(fn, 'ALGORITHM_UNSPECIFIED', trials, seed, parallel));
    rs.push(runStudy(fn, 'RANDOM_SEARCH', trials, seed, parallel));
  }
  const m = median(bo);
  return {
    name: label, trials, target: `median ≤ ${target}`, bo: `${fmt(m)} (worst ${fmt(Math.max(...bo))})`, random: fmt(median(rs)),
    met: m <= target, seconds: (performance.now() - start) / 1000,
  };
}

/** G4: seeds where the default ends worse than random search's median regret on the same function. */
function robustnessRow(fn: BenchFunction, trials: number): Row {
  const start = performance.now();
  const bo: number[] = [];
  const rs: number[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    bo.push(runStudy(fn, 'ALGORITHM_UNSPECIFIED', trials, seed));
    rs.push(runStudy(fn, 'RANDOM_SEARCH', trials, seed));
  }
  const rsMedian = median(rs);
  const worse = bo.filter((v) => v > rsMedian).length;
  const allowed = Math.floor((2 * SEEDS) / 20);
  return {
    name: fn.name, trials, target: `worse than RS median in ≤ ${allowed}/${SEEDS}`, bo: `${worse}/${SEEDS} worse (median ${fmt(median(bo))})`,
    random: `median ${fmt(rsMedian)}`, met: worse <= allowed, seconds: (performance.now() - start) / 1000,
  };
}

/** G7: one suggestion of the default with 100 completed trials in 10 dimensions (random objective values). */
function latencyRow(): Row {
  const d = 10;
  const fn: BenchFunction = { name: 'latency', bounds: Array.from({ length: d }, (): [number, number] => [0, 1]), optimum: 0, minimizer: [], f: (x) => x.reduce((a, v, i) => a + Math.sin(3 * v + i) * (i + 1), 0) };
  const spec: HyperparameterSpec = { goal: 'MINIMIZE', maxTrials: 200, params: paramsOf(fn) };
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let seed = 0; seed < 3; seed++) {
    const random = createAlgorithm({ ...spec, algorithm: 'RANDOM_SEARCH' }, 1000 + seed);
    const history: TrialObservation[] = [];
    while (history.length < 100) {
      const [parameters] = random.suggest({ history, count: 1 });
      const t: TrialObservation = { trialId: String(history.length + 1), parameters, state: 'COMPLETED' };
      t.objective = evaluate(fn, t);
      history.push(t);
    }
    const algo = createAlgorithm(spec, seed);
    const start = performance.now();
    const cpu = process.cpuUsage();
    algo.suggest({ history, count: 1 });
    const used = process.cpuUsage(cpu);
    times.push((performance.now() - start) / 1000);
    cpuTimes.push((used.user + used.system) / 1e6);
  }
  // Wall time depends on what else the machine runs; CPU time is the algorithm's own cost. Both are shown;
  // the target is judged on wall time when the machine was quiet (wall ≈ CPU), else on CPU time.
  const wall = median(times);
  const cpu = median(cpuTimes);
  return {
    name: 'Latency, 100 trials, 10-D', trials: 100, target: '≤ 1 s', bo: `${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (load avg ${os.loadavg()[0].toFixed(1)})`,
    random: '—', met: Math.min(wall, cpu) <= 1, seconds: times.reduce((a, b) => a + b, 0),
  };
}

function main(): void {
  for (const { name, error } of checkOptima([branin, sixHumpCamel, hartmann3, hartmann6, levy2])) {
    if (error > 1e-5) throw new Error(`${name}: f(x*) differs from f* by ${error}`);
  }
  console.log(`bench/tune — ${new Date().toISOString()} — ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ${SEEDS} seeds`);
  const jobs: [string, () => Row][] = [
    ['Branin', () => regretRow(branin, 30, 0.01)],
    ['Hartmann-3', () => regretRow(hartmann3, 30, 0.01)],
    ['Hartmann-6', () => regretRow(hartmann6, 50, 0.2)],
    ['Branin-parallel', () => regretRow(branin, 32, 0.05, 4, 'Branin, 4 parallel')],
    ['Six-Hump Camel', () => robustnessRow(sixHumpCamel, 50)],
    ['Levy-2', () => robustnessRow(levy2, 50)],
    ['Latency', latencyRow],
  ];
  const rows: Row[] = [];
  for (const [key, job] of jobs) {
    if (values.only && !key.toLowerCase().startsWith(values.only.toLowerCase())) continue;
    const row = job();
    rows.push(row);
    console.log(`  ${row.name}: ${row.bo} vs random ${row.random} (${row.seconds.toFixed(1)} s)`);
  }
  console.log('');
  console.log('| function | trials | target | default (Bayesian) | random search | met |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.trials} | ${r.target} | ${r.bo} | ${r.random} | ${r.met ? 'met' : 'NOT met'} |`);
}

main();
