/**
 * Gaussian-process regression with a Matérn-5/2 kernel and automatic relevance determination (one
 * lengthscale per input coordinate), the model of Vizier's default (Golovin et al., KDD 2017, §3) and of
 * Snoek, Larochelle & Adams, "Practical Bayesian Optimization of Machine Learning Algorithms" (NIPS 2012),
 * who argue Matérn-5/2 over the squared exponential because the latter is unrealistically smooth.
 * Formulas: Rasmussen & Williams, "Gaussian Processes for Machine Learning" (2006), Alg. 2.1 and eq. 4.17.
 * The mean is zero: callers standardise the outputs first.
 */
import { type Factor, appendToFactor, robustCholesky, solveLower, solveUpper } from './linalg';

export interface KernelHyperparameters {
  /** One per input coordinate (ARD), in unit-cube units. */
  lengthscales: Float64Array;
  /** Signal variance s²: the kernel's value at distance 0. */
  signalVariance: number;
  /** Observation noise variance σ², added to the diagonal. */
  noiseVariance: number;
}

const SQRT5 = Math.sqrt(5);

/** Matérn-5/2 correlation at scaled distance r: (1 + √5 r + 5r²/3)·exp(−√5 r). */
export function matern52(r: number): number {
  const a = SQRT5 * r;
  return (1 + a + (a * a) / 3) * Math.exp(-a);
}

/** Scaled distance between row i of X and the point x. */
function scaledDistance(X: Float64Array, i: number, x: ArrayLike<number>, ls: Float64Array): number {
  const d = ls.length;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = (X[i * d + k] - x[k]) / ls[k];
    s += t * t;
  }
  return Math.sqrt(s);
}

export interface Prediction {
  mean: number;
  /** Variance of the latent function (without observation noise). */
  variance: number;
}

export class GaussianProcess {
  /** Number of points conditioned on. */
  readonly n: number;
  private readonly factor: Factor;
  private readonly alpha: Float64Array;

  /**
   * @param X row-major n×d inputs
   * @param y n outputs (standardised)
   * @param factor the Cholesky factor of K + σ²I, when already known
   */
  constructor(
    readonly X: Float64Array,
    readonly y: Float64Array,
    readonly hyper: KernelHyperparameters,
    factor?: Factor,
  ) {
    const d = hyper.lengthscales.length;
    this.n = y.length;
    if (X.length !== this.n * d) throw new Error(`GaussianProcess: X has ${X.length} values, expected ${this.n}×${d}`);
    this.factor = factor ?? robustCholesky(covariance(X, this.n, hyper), this.n);
    this.alpha = solveUpper(this.factor, solveLower(this.factor, Float64Array.from(y)));
  }

  /** Posterior mean and latent variance at x (Rasmussen & Williams, Alg. 2.1). */
  predict(x: ArrayLike<number>): Prediction {
    const { n } = this;
    const { lengthscales, signalVariance } = this.hyper;
    const k = new Float64Array(n);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      k[i] = signalVariance * matern52(scaledDistance(this.X, i, x, lengthscales));
      mean += k[i] * this.alpha[i];
    }
    const v = solveLower(this.factor, k);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += v[i] * v[i];
    return { mean, variance: Math.max(signalVariance - explained, 1e-12 * signalVariance) };
  }

  /**
   * The process conditioned on one more observation, in O(n²). With y = the posterior mean at x this is the
   * "Kriging believer" of Ginsbourger, Le Riche & Carraro, "Kriging is well-suited to parallelize
   * optimization" (2010): the variance around a pending point collapses, so the next suggestion of a batch
   * goes elsewhere.
   */
  condition(x: ArrayLike<number>, yNew: number): GaussianProcess {
    const { n } = this;
    const d = this.hyper.lengthscales.length;
    const { lengthscales, signalVariance, noiseVariance } = this.hyper;
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) k[i] = signalVariance * matern52(scaledDistance(this.X, i, x, lengthscales));
    const factor = appendToFactor(this.factor, k, signalVariance + noiseVariance + this.factor.jitter);
    const X = new Float64Array((n + 1) * d);
    X.set(this.X);
    for (let j = 0; j < d; j++) X[n * d + j] = x[j];
    const y = new Float64Array(n + 1);
    y.set(this.y);
    y[n] = yNew;
    return new GaussianProcess(X, y, this.hyper, factor);
  }
}

/** K + σ²I for the rows of X. */
export function covariance(X: Float64Array, n: number, hyper: KernelHyperparameters): Float64Array {
  const K = new Float64Array(n * n);
  const { lengthscales, signalVariance, noiseVariance } = hyper;
  for (let i = 0; i < n; i++) {
    K[i * n + i] = signalVariance + noiseVariance;
    for (let j = 0; j < i; j++) {
      const v = signalVariance * matern52(scaledDistance(X, i, X.subarray(j * lengthscales.length), lengthscales));
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}
