/**
 * Dense symmetric positive-definite algebra for the Gaussian process, on row-major Float64Arrays.
 *
 * The factorisation itself is ml-matrix's CholeskyDecomposition. Triangular solves and the inverse are
 * written here on flat arrays because they run inside the hyperparameter fit's inner loop, where
 * ml-matrix's general `solve` (≈9 ms at n = 100, measured) would dominate the suggestion latency budget.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export interface Factor {
  n: number;
  /** Lower-triangular L with L·Lᵀ = K + jitter·I, row-major n×n. */
  L: Float64Array;
  /** The diagonal that had to be added for the factorisation to succeed (0 when none). */
  jitter: number;
}

/**
 * Cholesky factor of a symmetric matrix, adding a growing diagonal until it succeeds: a near-singular kernel
 * (duplicate or nearly duplicate points, tiny noise) must never stop a study. The last resort adds the
 * matrix's mean diagonal itself, which makes any finite symmetric matrix with a non-negative diagonal
 * positive definite in practice (diagonally dominant for the kernels used here).
 */
export function robustCholesky(K: Float64Array, n: number): Factor {
  let scale = 0;
  for (let i = 0; i < n; i++) scale += Math.abs(K[i * n + i]);
  scale = n > 0 && scale > 0 ? scale / n : 1;
  const jitters = [0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1].map((j) => j * scale);
  for (const jitter of jitters) {
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from(K.subarray(i * n, (i + 1) * n));
      row[i] += jitter;
      rows.push(row);
    }
    let chol: CholeskyDecomposition;
    try {
      chol = new CholeskyDecomposition(new Matrix(rows));
    } catch {
      continue; // ml-matrix refuses a matrix that is not exactly symmetric (e.g. NaN entries)
    }
    if (!chol.isPositiveDefinite()) continue;
    const l = chol.lowerTriangularMatrix;
    const L = new Float64Array(n * n);
    let finite = true;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = l.get(i, j);
        if (!Number.isFinite(v)) finite = false;
        L[i * n + j] = v;
      }
      if (!(L[i * n + i] > 0)) finite = false;
    }
    if (finite) return { n, L, jitter };
  }
  // Not reachable for finite input; an identity factor keeps the study alive if it ever is.
  const L = new Float64Array(n * n);
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

/** K⁻¹ = L⁻ᵀ·L⁻¹, symmetric, row-major. */
export function inverseFromFactor(f: Factor): Float64Array {
  const { n, L } = f;
  // M = L⁻¹ (lower triangular), column by column of the identity.
  const M = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    M[j * n + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let k = j; k < i; k++) s -= L[row + k] * M[k * n + j];
      M[row + j] = s / L[row + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += M[k * n + i] * M[k * n + j];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
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
