/**
 * Kernel hyperparameters by maximum a posteriori: the log marginal likelihood (Rasmussen & Williams 2006,
 * eq. 5.8, gradient eq. 5.9) plus weak log-normal priors, maximised by multi-start box-constrained L-BFGS.
 *
 * The priors are what keeps a fit on 5–10 points sane (pure maximum likelihood happily explains a handful of
 * points with a tiny lengthscale or all-noise). Their centres: a lengthscale around 0.5·√d in the unit cube,
 * growing with the dimension as in Hvarfner, Hellsten & Nardi, "Vanilla Bayesian Optimization Performs Great
 * in High Dimensions" (ICML 2024); a unit signal variance (outputs are standardised); a small noise variance
 * (1e-3 of the output variance), wide enough to learn real trial-to-trial noise.
 */
import { type Random, gaussian } from '../rng';
import type { KernelHyperparameters } from './gaussianProcess';
import { inverseFromFactor, robustCholesky, solveLower, solveUpper } from './linalg';
import { minimizeBoxed } from './lbfgs';

export interface FitOptions {
  /** Random starts besides the prior's centre. */
  restarts?: number;
  maxIterations?: number;
}

const SQRT5 = Math.sqrt(5);
const LOG_2PI = Math.log(2 * Math.PI);

interface Prior {
  mean: Float64Array;
  sd: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** θ = [log ℓ_1 … log ℓ_d, log s², log σ²]. */
export function kernelPrior(d: number): Prior {
  const mean = new Float64Array(d + 2);
  const sd = new Float64Array(d + 2);
  const lower = new Float64Array(d + 2);
  const upper = new Float64Array(d + 2);
  for (let k = 0; k < d; k++) {
    mean[k] = Math.log(0.5) + 0.5 * Math.log(d);
    sd[k] = 1.5;
    lower[k] = Math.log(0.01);
    upper[k] = Math.log(50);
  }
  mean[d] = 0;
  sd[d] = 1.5;
  lower[d] = Math.log(0.01);
  upper[d] = Math.log(100);
  mean[d + 1] = Math.log(1e-3);
  sd[d + 1] = 3;
  lower[d + 1] = Math.log(1e-6);
  upper[d + 1] = Math.log(1);
  return { mean, sd, lower, upper };
}

export function hyperparametersFrom(theta: ArrayLike<number>, d: number): KernelHyperparameters {
  const lengthscales = new Float64Array(d);
  for (let k = 0; k < d; k++) lengthscales[k] = Math.exp(theta[k]);
  return { lengthscales, signalVariance: Math.exp(theta[d]), noiseVariance: Math.exp(theta[d + 1]) };
}

/**
 * Negative log posterior of θ and its gradient, for inputs X (row-major n×d) and outputs y. Pairwise squared
 * coordinate differences are computed once; each evaluation is one factorisation, one inverse, O(n²d) more.
 */
export function negativeLogPosterior(X: Float64Array, y: Float64Array, d: number): (theta: Float64Array) => { value: number; gradient: Float64Array } {
  const n = y.length;
  const pairs = (n * (n - 1)) / 2;
  const diff2 = new Float64Array(pairs * d);
  for (let i = 1, p = 0; i < n; i++) {
    for (let j = 0; j < i; j++, p++) {
      for (let k = 0; k < d; k++) {
        const t = X[i * d + k] - X[j * d + k];
        diff2[p * d + k] = t * t;
      }
    }
  }
  const prior = kernelPrior(d);
  const kPair = new Float64Array(pairs);
  const dPair = new Float64Array(pairs);
  const inv2 = new Float64Array(d);
  const K = new Float64Array(n * n);
  const Kinv = new Float64Array(n * n);
  const scratch = new Float64Array(n * n);

  return (theta) => {
    const gradient = new Float64Array(d + 2);
    for (let k = 0; k < d; k++) inv2[k] = Math.exp(-2 * theta[k]);
    const s2 = Math.exp(theta[d]);
    const sn2 = Math.exp(theta[d + 1]);
    for (let i = 1, p = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) r2 += diff2[p * d + k] * inv2[k];
        const a = SQRT5 * Math.sqrt(r2);
        const e = Math.exp(-a);
        kPair[p] = s2 * (1 + a + (a * a) / 3) * e;
        // ∂K/∂log ℓ_k = s²·(5/3)(1 + √5 r)e^{−√5 r}·Δ_k²/ℓ_k²; the factor before Δ_k²/ℓ_k² is kept per pair.
        dPair[p] = s2 * (5 / 3) * (1 + a) * e;
        K[i * n + j] = kPair[p];
        K[j * n + i] = kPair[p];
      }
    }
    for (let i = 0; i < n; i++) K[i * n + i] = s2 + sn2;
    const factor = robustCholesky(K, n);
    const alpha = solveUpper(factor, solveLower(factor, Float64Array.from(y)));
    let value = 0.5 * n * LOG_2PI;
    for (let i = 0; i < n; i++) value += 0.5 * y[i] * alpha[i] + Math.log(factor.L[i * n + i]);

    // ∂(−log p)/∂θ = −½ tr(W ∂K/∂θ), W = ααᵀ − K⁻¹ (symmetric, so pairs count twice).
    inverseFromFactor(factor, Kinv, scratch);
    let traceDiag = 0;
    for (let i = 0; i < n; i++) traceDiag += alpha[i] * alpha[i] - Kinv[i * n + i];
    let signal = traceDiag * s2;
    for (let i = 1, p = 0; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        const w = alpha[i] * alpha[j] - Kinv[i * n + j];
        signal += 2 * w * kPair[p];
        const wd = w * dPair[p];
        for (let k = 0; k < d; k++) gradient[k] -= wd * diff2[p * d + k] * inv2[k];
      }
    }
    gradient[d] = -0.5 * signal;
    gradient[d + 1] = -0.5 * traceDiag * sn2;

    for (let k = 0; k < d + 2; k++) {
      const z = (theta[k] - prior.mean[k]) / prior.sd[k];
      value += 0.5 * z * z;
      gradient[k] += z / prior.sd[k];
    }
    return { value, gradient };
  };
}

/** The MAP kernel hyperparameters for (X, y): the best of L-BFGS runs from the prior's centre and random starts. */
export function fitKernel(X: Float64Array, y: Float64Array, d: number, random: Random, options: FitOptions = {}): KernelHyperparameters {
  // Each start costs ~35 factorisations; past ~40 points the likelihood surface is sharp enough that one
  // random start beside the prior's centre finds the same optimum, and latency is what grows with n.
  const restarts = options.restarts ?? (y.length > 40 ? 1 : 2);
  const maxIterations = options.maxIterations ?? 60;
  const prior = kernelPrior(d);
  const f = negativeLogPosterior(X, y, d);
  const starts: Float64Array[] = [Float64Array.from(prior.mean)];
  for (let r = 0; r < restarts; r++) {
    starts.push(prior.mean.map((m, k) => Math.min(prior.upper[k], Math.max(prior.lower[k], m + 0.7 * prior.sd[k] * gaussian(random)))));
  }
  let best: { x: Float64Array; value: number } | undefined;
  for (const start of starts) {
    const result = minimizeBoxed(f, start, prior.lower, prior.upper, { maxIterations });
    if (Number.isFinite(result.value) && (!best || result.value < best.value)) best = result;
  }
  return hyperparametersFrom(best ? best.x : prior.mean, d);
}
