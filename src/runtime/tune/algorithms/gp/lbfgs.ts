/**
 * Box-constrained limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed., Alg. 7.4 for
 * the two-loop recursion), written here because npm has no maintained L-BFGS-B (hypertune-reference.md §5).
 * Bounds are handled by projection: the search direction is zeroed where it would leave the box from a
 * face, each trial point is clipped into the box, and an Armijo backtracking line search accepts the
 * projected step. This is cruder than L-BFGS-B's Cauchy-point machinery but sound for the smooth, low-
 * dimensional, mostly interior problems it solves (kernel hyperparameters), and it never throws: a
 * non-finite objective value is treated as "step too long".
 */

export type ValueAndGradient = (x: Float64Array) => { value: number; gradient: Float64Array };

export interface LbfgsOptions {
  maxIterations?: number;
  /** Pairs of (step, gradient change) kept. */
  memory?: number;
  /** Stop when the value improves by less than this, relatively. */
  tolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

export function minimizeBoxed(
  f: ValueAndGradient,
  start: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIterations = options.maxIterations ?? 50;
  const memory = options.memory ?? 6;
  const tolerance = options.tolerance ?? 1e-7;
  const n = start.length;
  const clip = (v: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i], Math.max(lower[i], v[i]));
    return v;
  };
  let x = clip(Float64Array.from(start));
  let { value, gradient } = f(x);
  if (!Number.isFinite(value)) return { x, value, iterations: 0 };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };

  let it = 0;
  for (; it < maxIterations; it++) {
    let direction = twoLoop(gradient, S, Y, dot);
    freezeAtBounds(direction, x, lower, upper);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      S.length = 0;
      Y.length = 0;
      direction = twoLoop(gradient, S, Y, dot);
      freezeAtBounds(direction, x, lower, upper);
      slope = dot(direction, gradient);
      if (!(slope < 0)) break; // projected gradient is zero: a constrained stationary point
    }
    let step = 1;
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | undefined;
    for (let tries = 0; tries < 30; tries++) {
      const candidate = clip(x.map((xi, i) => xi + step * direction[i]));
      const out = f(candidate);
      let moved = 0;
      for (let i = 0; i < n; i++) moved += gradient[i] * (candidate[i] - x[i]);
      if (Number.isFinite(out.value) && out.value <= value + 1e-4 * Math.min(moved, 0)) {
        accepted = { x: candidate, value: out.value, gradient: out.gradient };
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      if (S.length === 0) break;
      S.length = 0;
      Y.length = 0;
      continue;
    }
    const s = accepted.x.map((v, i) => v - x[i]);
    const yv = accepted.gradient.map((v, i) => v - gradient[i]);
    if (dot(s, yv) > 1e-12) {
      S.push(s);
      Y.push(yv);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    const improvement = value - accepted.value;
    x = accepted.x;
    value = accepted.value;
    gradient = accepted.gradient;
    if (improvement <= tolerance * (1 + Math.abs(value))) break;
  }
  return { x, value, iterations: it };
}

/** −H·g by the two-loop recursion; the first step (no memory) is the gradient scaled to a unit max step. */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[], dot: (a: Float64Array, b: Float64Array) => number): Float64Array {
  const q = Float64Array.from(g);
  const m = S.length;
  if (m === 0) {
    let big = 0;
    for (const v of q) big = Math.max(big, Math.abs(v));
    return q.map((v) => (big > 0 ? -v / big : 0));
  }
  const a = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    a[i] = dot(S[i], q) / dot(Y[i], S[i]);
    for (let j = 0; j < q.length; j++) q[j] -= a[i] * Y[i][j];
  }
  const gamma = dot(S[m - 1], Y[m - 1]) / dot(Y[m - 1], Y[m - 1]);
  for (let j = 0; j < q.length; j++) q[j] *= gamma;
  for (let i = 0; i < m; i++) {
    const b = dot(Y[i], q) / dot(Y[i], S[i]);
    for (let j = 0; j < q.length; j++) q[j] += S[i][j] * (a[i] - b);
  }
  return q.map((v) => -v);
}

function freezeAtBounds(d: Float64Array, x: Float64Array, lower: ArrayLike<number>, upper: ArrayLike<number>): void {
  for (let i = 0; i < d.length; i++) {
    if ((x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0)) d[i] = 0;
  }
}
