/**
 * Output normalisation for the Gaussian process: compress the bad tail, then standardise.
 *
 * Objectives of real studies (and of Branin, Six-Hump Camel, Levy) are heavy-tailed on the bad side: a few
 * trials are worse than the rest by orders of magnitude. A stationary GP fitted to such values explains the
 * tail with a short lengthscale or with noise, and its mean near the good region is then off — in the
 * failing case seen on Branin, the fit blamed the spread on noise and expected improvement kept re-proposing
 * one boundary point. Vizier warps the objective for this reason (Golovin et al., KDD 2017, §3: "a
 * one-to-one nonlinear warp is typically used"; OSS Vizier's output warper compresses the values below the
 * median). The warp here is monotone, leaves the better half of the values unchanged and maps a value v
 * worse than the median m to m + s·log(1 + (v − m)/s), s being the spread of the better half, so the
 * ranking — all that expected improvement needs to be right about — is kept.
 */
export function warpLosses(losses: readonly number[]): Float64Array {
  const n = losses.length;
  const sorted = [...losses].sort((a, b) => a - b);
  const median = n % 2 ? sorted[n >> 1] : 0.5 * (sorted[(n >> 1) - 1] + sorted[n >> 1]);
  const below = median - sorted[0];
  const above = sorted[n - 1] - median;
  const s = below > 0 ? below : above > 0 ? above : 1;
  const warped = losses.map((v) => (v > median ? median + s * Math.log1p((v - median) / s) : v));
  return standardise(warped);
}

/** (y − mean)/sd; a constant series becomes zeros. */
export function standardise(values: readonly number[]): Float64Array {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  const sd = variance > 0 ? Math.sqrt(variance) : 1;
  return Float64Array.from(values, (v) => (v - mean) / sd);
}
