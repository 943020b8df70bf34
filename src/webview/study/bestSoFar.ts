/** The best-objective-so-far curve: trials in the order they were numbered, and the best objective up to each. */
import type { TrialRow } from '../../protocol/webviewProtocol';
import { trialNumber } from './trialQuery';

export interface BestSoFarPoint {
  trial: number;
  trialId: string;
  objective: number;
  best: number;
  /** This trial set a new best. */
  improved: boolean;
}

/** Only trials with a final objective (completed, or stopped with one) count; running values are not final. */
export function bestSoFar(trials: Iterable<TrialRow>, goal: 'MAXIMIZE' | 'MINIMIZE'): BestSoFarPoint[] {
  const done: TrialRow[] = [];
  for (const t of trials) if (t.objective !== undefined && Number.isFinite(t.objective)) done.push(t);
  done.sort((a, b) => trialNumber(a.trialId) - trialNumber(b.trialId));
  const better = goal === 'MAXIMIZE' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const out: BestSoFarPoint[] = [];
  let best: number | undefined;
  for (const t of done) {
    const o = t.objective!;
    const improved = best === undefined || better(o, best);
    if (improved) best = o;
    out.push({ trial: trialNumber(t.trialId), trialId: t.trialId, objective: o, best: best!, improved });
  }
  return out;
}

/** The best trial by objective, for when the header does not name one yet. */
export function bestTrial(trials: Iterable<TrialRow>, goal: 'MAXIMIZE' | 'MINIMIZE'): TrialRow | undefined {
  let best: TrialRow | undefined;
  for (const t of trials) {
    if (t.objective === undefined || !Number.isFinite(t.objective)) continue;
    if (!best || (goal === 'MAXIMIZE' ? t.objective > best.objective! : t.objective < best.objective!)) best = t;
  }
  return best;
}
