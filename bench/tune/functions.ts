/**
 * Benchmark functions for bench/tune, minimisation form, with their known global minima. Definitions and
 * optima as in hypertune-reference.md §4.1 (which follows Surjanovic & Bingham's Virtual Library of
 * Simulation Experiments, https://www.sfu.ca/~ssurjano/optimization.html, and BoTorch's synthetic test
 * functions); `checkOptima` re-evaluates each function at its stated minimiser as a cross-check.
 */
import type { ParameterSpec } from '../../src/runtime/spec/jobSpec';

export interface BenchFunction {
  name: string;
  bounds: [number, number][];
  /** f* (the global minimum). */
  optimum: number;
  /** A global minimiser, for the cross-check. */
  minimizer: number[];
  f(x: readonly number[]): number;
}

const HARTMANN_ALPHA = [1, 1.2, 3, 3.2];

function hartmann(A: number[][], P: number[][], x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < x.length; j++) inner += A[i][j] * (x[j] - 1e-4 * P[i][j]) ** 2;
    s -= HARTMANN_ALPHA[i] * Math.exp(-inner);
  }
  return s;
}

export const branin: BenchFunction = {
  name: 'Branin',
  bounds: [[-5, 10], [0, 15]],
  optimum: 0.397887357729738,
  minimizer: [Math.PI, 2.275],
  f: ([x1, x2]) => {
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

export const sixHumpCamel: BenchFunction = {
  name: 'Six-Hump Camel',
  bounds: [[-3, 3], [-2, 2]],
  optimum: -1.031628453489877,
  minimizer: [0.0898420131003, -0.7126564030207],
  f: ([x1, x2]) => (4 - 2.1 * x1 ** 2 + x1 ** 4 / 3) * x1 ** 2 + x1 * x2 + (4 * x2 ** 2 - 4) * x2 ** 2,
};

export const hartmann3: BenchFunction = {
  name: 'Hartmann-3',
  bounds: [[0, 1], [0, 1], [0, 1]],
  optimum: -3.86278214782076,
  minimizer: [0.114614, 0.555649, 0.852547],
  f: (x) => hartmann(
    [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]],
    [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]],
    x,
  ),
};

export const hartmann6: BenchFunction = {
  name: 'Hartmann-6',
  bounds: Array.from({ length: 6 }, (): [number, number] => [0, 1]),
  optimum: -3.32236801141551,
  minimizer: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
  f: (x) => hartmann(
    [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]],
    [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]],
    x,
  ),
};

export function levy(d: number): BenchFunction {
  return {
    name: `Levy-${d}`,
    bounds: Array.from({ length: d }, (): [number, number] => [-10, 10]),
    optimum: 0,
    minimizer: Array.from({ length: d }, () => 1),
    f: (x) => {
      const w = x.map((v) => 1 + (v - 1) / 4);
      const last = w[w.length - 1];
      let s = Math.sin(Math.PI * w[0]) ** 2 + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
      for (let i = 0; i < w.length - 1; i++) s += (w[i] - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i] + 1) ** 2);
      return s;
    },
  };
}

export const levy2 = levy(2);

/** The DOUBLE parameters x1…xd of a function's box, as a HyperparameterSpec would list them. */
export function paramsOf(fn: BenchFunction): ParameterSpec[] {
  return fn.bounds.map(([minValue, maxValue], i) => ({ parameterName: `x${i + 1}`, type: 'DOUBLE', minValue, maxValue }));
}

/** |f(x*) − f*| for every function: all should be ≲ 1e-5 (the minimisers are given to ~6 digits). */
export function checkOptima(fns: readonly BenchFunction[]): { name: string; error: number }[] {
  return fns.map((fn) => ({ name: fn.name, error: Math.abs(fn.f(fn.minimizer) - fn.optimum) }));
}
