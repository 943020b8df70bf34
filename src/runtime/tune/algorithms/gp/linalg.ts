/**
 * Dense symmetric positive-definite algebra for the Gaussian process, on row-major Float64Arrays.
 *
 * The factorisation runs inside the kernel-hyperparameter fit's inner loop (≈100 factorisations and
 * inverses per suggestion), which is what bounds the suggestion latency (goal: ≤ 1 s at 100 trials in 10-D).
 * ml-matrix's CholeskyDecomposition works on its Matrix class through get/set calls and its `solve` builds
 * new matrices: measured at n = 100, 0.9 ms per factorisation and ≈9 ms for an inverse through `solve`,
 * several times the flat-array loops below. So the loops are written here, and the unit tests check the
 * factor against ml-matrix's (gp.test.ts).
 */

export interface Factor {
  n: number;
  /** Lower-triangular L with L·Lᵀ = K + jitter·I, row-major n×n. */
  L: Float64Array;
  /** The diagonal that had to be added for the factorisation to succeed (0 when none). */
  jitter: number;
}

/** Cholesky–Banachiewicz into `L` (row-major); false when a pivot is not positive or not finite. */
export function choleskyInto(K: Float64Array, n: number, jitter: number, L: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = K[ri + j] + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) L[ri + j] = 0;
  }
  return true;
}

/**
 * Cholesky factor of a symmetric matrix, adding a growing diagonal until it succeeds: a near-singular kernel
 * (duplicate or nearly duplicate points, tiny noise) must never stop a study. The ladder ends at the mean
 * diagonal itself, enough for any kernel matrix (|K_ij| ≤ K_ii); should even that fail (non-finite input),
 * a scaled identity is returned rather than an exception.
 */
export function robustCholesky(K: Float64Array, n: number): Factor {
  let scale = 0;
  for (let i = 0; i < n; i++) scale += Math.abs(K[i * n + i]);
  scale = n > 0 && scale > 0 && Number.isFinite(scale) ? scale / n : 1;
  const L = new Float64Array(n * n);
  for (const j of [0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]) {
    if (choleskyInto(K, n, j * scale, L)) return { n, L, jitter: j * scale };
  }
  L.fill(0);
  for (let i = 0; i < n; i++) L[i * n + i] = Math.sqrt(scale);
  return { n, L, jitter: scale };
}

/** Solves L·x = b in place (forward substitution). */
export function solveLower(f: Factor, b: Float64Array): Float64Array {
  const { n, L } = f;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const row = i * n;
    for (let k = 0; k < i; k++) s -= L[row + k] * b[k];
    b[i] = s / L[row + i];
  }
  return b;
}

/** Solves Lᵀ·x = b in place (back substitution). */
export function solveUpper(f: Factor, b: Float64Array): Float64Array {
  const { n, L } = f;
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
  return b;
}

/**
 * K⁻¹ = L⁻ᵀ·L⁻¹, symmetric, row-major, written into `out` (allocated when absent). The columns of L⁻¹ are
 * kept as rows of a scratch array so that both passes read memory contiguously.
 */
export function inverseFromFactor(f: Factor, out?: Float64Array, scratch?: Float64Array): Float64Array {
  const { n, L } = f;
  const inv = out ?? new Float64Array(n * n);
  const C = scratch ?? new Float64Array(n * n); // C[j*n + i] = (L⁻¹)[i][j], zero for i < j
  for (let j = 0; j < n; j++) {
    const cj = j * n;
    for (let i = 0; i < j; i++) C[cj + i] = 0;
    C[cj + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= L[ri + k] * C[cj + k];
      C[cj + i] = s / L[ri + i];
    }
  }
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let j = 0; j <= i; j++) {
      const cj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += C[ci + k] * C[cj + k];
      inv[ci + j] = s;
      inv[cj + i] = s;
    }
  }
  return inv;
}

/**
 * The factor of the matrix grown by one row/column [k; kk] (k = covariances with the existing points,
 * kk = the new variance): O(n²) instead of refactorising. A non-positive pivot (the new point duplicates an
 * old one) is floored at a tiny positive value, the rank-one analogue of jitter.
 */
export function appendToFactor(f: Factor, k: Float64Array, kk: number): Factor {
  const { n, L } = f;
  const l = solveLower(f, Float64Array.from(k));
  let ll = 0;
  for (let i = 0; i < n; i++) ll += l[i] * l[i];
  const pivot = Math.sqrt(Math.max(kk - ll, 1e-10 * Math.max(kk, 1e-300)));
  const m = n + 1;
  const out = new Float64Array(m * m);
  for (let i = 0; i < n; i++) out.set(L.subarray(i * n, i * n + i + 1), i * m);
  out.set(l, n * m);
  out[n * m + n] = pivot;
  return { n: m, L: out, jitter: f.jitter };
}
