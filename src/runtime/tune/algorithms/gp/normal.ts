/**
 * The standard normal functions expected improvement needs, accurate far into the tails.
 *
 * erfc uses the Chebyshev-fitted form erfc(x) ≈ t·exp(−x² + P(t)), t = 1/(1 + x/2), of Press et al.,
 * "Numerical Recipes" (2nd ed., §6.2; fractional error < 1.2e-7 everywhere). Its exponential form is why it
 * is used here: log Φ(z) comes out without underflow for any z.
 */

const ERFC_COEFFS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
];

/** log erfc(x) for x ≥ 0. */
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  let p = 0;
  for (let i = ERFC_COEFFS.length - 1; i >= 0; i--) p = p * t + ERFC_COEFFS[i];
  return Math.log(t) - x * x + p;
}

export function erfc(x: number): number {
  return x >= 0 ? Math.exp(logErfcNonNegative(x)) : 2 - Math.exp(logErfcNonNegative(-x));
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * log h(z), h(z) = φ(z) + z·Φ(z): expected improvement is σ·h((best − μ)/σ). For z ≪ 0 both terms nearly
 * cancel, so there h(z) = φ(z)·(1 − t·R(t)) with t = −z and R the Mills ratio, whose continued fraction
 * R(t) = 1/(t + 1/(t + 2/(t + 3/(t + …)))) gives 1 − t·R(t) = c/(t + c), c = 1/(t + 2/(t + 3/(t + …))),
 * with no cancellation. This is the "log-EI" of Ament et al., "Unexpected Improvements to Expected
 * Improvement for Bayesian Optimization" (NeurIPS 2023): EI itself underflows to 0 over most of the cube
 * once the model is confident, which leaves the acquisition optimiser blind; log h keeps a slope everywhere.
 */
export function logH(z: number): number {
  if (z > -3) {
    const h = normalPdf(z) + z * normalCdf(z);
    return Math.log(Math.max(h, Number.MIN_VALUE));
  }
  const t = -z;
  let c = 0;
  for (let k = 60; k >= 2; k--) c = k / (t + c);
  c = 1 / (t + c);
  return -0.5 * t * t - LOG_SQRT_2PI + Math.log(c) - Math.log(t + c);
}

/** log of expected improvement below `best` for a normal posterior N(mean, variance). */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sigma = Math.sqrt(Math.max(variance, 1e-300));
  return Math.log(sigma) + logH((best - mean) / sigma);
}
