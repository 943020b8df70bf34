/**
 * bench/tune/stopping: Vizier's median stopping rule (src/runtime/tune/medianStopping.ts) replayed on
 * a synthetic suite of learning curves. Each replay runs the suite's trials one after another in a
 * shuffled order, consulting the rule after every measurement exactly as the study does; it counts
 * the training steps spent and whether the trial with the best final value was left to finish.
 *
 * Targets (issue 3): ≥ 40% fewer training steps than no stopping, and the best final trial kept in
 * ≥ 95% of 100 shuffled replays.
 *
 *   node --import tsx bench/tune/stopping.bench.ts [--replays 100] [--trials 40] [--steps 50] [--seed 1]
 */
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import { shouldStopTrial } from '../../src/runtime/tune/medianStopping';
import type { Measurement } from '../../src/runtime/tune/trialLog';

const { values } = parseArgs({
  options: {
    replays: { type: 'string', default: '100' },
    trials: { type: 'string', default: '40' },
    steps: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
  },
});
const REPLAYS = Number(values.replays);
const TRIALS = Number(values.trials);
const STEPS = Number(values.steps);

/**
 * Validation-accuracy-like curves: a(t) = floor + (final − floor)·(1 − e^(−t/τ)) + noise. Finals spread
 * over [0.55, 0.97]; the time constant τ varies independently from 2 to 15 steps, so some good trials
 * start slowly — the case that makes early stopping risky.
 */
function makeSuite(seed: string): number[][] {
  const random = seedrandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: TRIALS }, () => {
    const final = 0.55 + 0.42 * random();
    const tau = 2 + 13 * random();
    const floor = 0.1;
    return Array.from({ length: STEPS }, (_, k) => floor + (final - floor) * (1 - Math.exp(-(k + 1) / tau)) + 0.01 * gauss());
  });
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface ReplayResult {
  steps: number;
  bestKept: boolean;
  stopped: number;
}

/**
 * Which finished trials the rule compares against: `all` — completed and early-stopped trials with
 * their partial curves, as the study does (Vizier's data model ends a stopped trial COMPLETED); or
 * `completed` — only trials that ran every step, a stricter median shown for comparison.
 */
type ReferencePolicy = 'all' | 'completed';

function replay(suite: number[][], order: number[], policy: ReferencePolicy): ReplayResult {
  const finals = suite.map((curve) => curve[curve.length - 1]);
  const bestTrial = finals.indexOf(Math.max(...finals));
  const references: Measurement[][] = [];
  let steps = 0;
  let stopped = 0;
  let bestKept = true;
  for (const index of order) {
    const curve: Measurement[] = [];
    for (let s = 0; s < STEPS; s++) {
      curve.push({ step: s + 1, value: suite[index][s] } as Measurement);
      steps++;
      if (s < STEPS - 1 && shouldStopTrial(curve, references, { goal: 'MAXIMIZE' }).stop) {
        stopped++;
        if (index === bestTrial) bestKept = false;
        break;
      }
    }
    if (policy === 'all' || curve.length === STEPS) references.push(curve);
  }
  return { steps, bestKept, stopped };
}

const suite = makeSuite(String(values.seed));
const orders = (() => {
  const random = seedrandom(`order-${values.seed}`);
  return Array.from({ length: REPLAYS }, () => shuffle([...suite.keys()], random));
})();
const fullSteps = TRIALS * STEPS;

console.log(`bench/tune/stopping — median stopping rule, ${TRIALS} synthetic learning curves × ${STEPS} steps (suite seed ${values.seed}), ${REPLAYS} shuffled replays`);
console.log(`  training steps without stopping: ${fullSteps}`);
console.log('  references                          steps (mean)  trials stopped  steps saved (≥ 40%)   best final kept (≥ 95%)');
for (const policy of ['all', 'completed'] as const) {
  const results = orders.map((order) => replay(suite, order, policy));
  const meanSteps = results.reduce((a, r) => a + r.steps, 0) / REPLAYS;
  const saved = 1 - meanSteps / fullSteps;
  const kept = results.filter((r) => r.bestKept).length / REPLAYS;
  const meanStopped = results.reduce((a, r) => a + r.stopped, 0) / REPLAYS;
  const label = policy === 'all' ? 'completed + stopped (the study)' : 'completed only (stricter)';
  console.log(
    `  ${label.padEnd(34)}  ${meanSteps.toFixed(0).padStart(12)}  ${meanStopped.toFixed(1).padStart(14)}  ${`${(100 * saved).toFixed(1)}% ${saved >= 0.4 ? 'met' : 'not met'}`.padStart(19)}  ${`${(100 * kept).toFixed(0)}% ${kept >= 0.95 ? 'met' : 'not met'}`.padStart(23)}`,
  );
}
