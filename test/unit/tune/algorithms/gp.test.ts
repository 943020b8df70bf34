import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitKernel, negativeLogPosterior } from '../../../../src/runtime/tune/algorithms/gp/fitKernel';
import { GaussianProcess, covariance, matern52 } from '../../../../src/runtime/tune/algorithms/gp/gaussianProcess';
import { minimizeBoxed } from '../../../../src/runtime/tune/algorithms/gp/lbfgs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { inverseFromFactor, robustCholesky } from '../../../../src/runtime/tune/algorithms/gp/linalg';
import { logExpectedImprovement, logH, normalCdf } from '../../../../src/runtime/tune/algorithms/gp/normal';
import { stream } from '../../../../src/runtime/tune/algorithms/rng';

const close = (a: number, b: number, tol: number): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tolerance ${tol})`);

describe('Gaussian process', () => {
  it('posterior on a 1-D, two-point problem matches the closed form', () => {
    // ℓ = 0.3, s² = 1.5, σ² = 0.01; data (0.2, 1), (0.6, −0.5). Reference values computed by hand from the
    // 2×2 inverse [[a, −b], [−b, a]]/(a² − b²), a = s² + σ², b = s²·m(0.4/0.3), m the Matérn-5/2 correlation
    // (evaluated independently in Python): mean = k*ᵀK⁻¹y, variance = s² − k*ᵀK⁻¹k*.
    const hyper = { lengthscales: Float64Array.of(0.3), signalVariance: 1.5, noiseVariance: 0.01 };
    const gp = new GaussianProcess(Float64Array.of(0.2, 0.6), Float64Array.of(1, -0.5), hyper);
    close(1.5 * matern52(0.4 / 0.3), 0.5283347689045376, 1e-12);
    const mid = gp.predict([0.4]);
    close(mid.mean, 0.2677784161710419, 1e-6);
    close(mid.variance, 0.33072507457133304, 1e-6);
    const out = gp.predict([0.9]);
    close(out.mean, -0.39385427349166474, 1e-6);
    close(out.variance, 1.0737415067244818, 1e-6);
    // At a data point with little noise the posterior nearly interpolates.
    close(gp.predict([0.2]).mean, 1, 0.02);
  });

  it('conditioning on one more point equals refitting with it', () => {
    const hyper = { lengthscales: Float64Array.of(0.4, 0.2), signalVariance: 1, noiseVariance: 1e-4 };
    const X = Float64Array.of(0.1, 0.2, 0.5, 0.9, 0.8, 0.3);
    const y = Float64Array.of(0.5, -1, 0.3);
    const grown = new GaussianProcess(X, y, hyper).condition([0.6, 0.6], 0.7);
    const direct = new GaussianProcess(Float64Array.of(...X, 0.6, 0.6), Float64Array.of(...y, 0.7), hyper);
    for (const x of [[0.3, 0.3], [0.7, 0.5], [0.6, 0.6]]) {
      close(grown.predict(x).mean, direct.predict(x).mean, 1e-8);
      close(grown.predict(x).variance, direct.predict(x).variance, 1e-8);
    }
  });

  it('duplicate points and a noise-free kernel do not throw', () => {
    const hyper = { lengthscales: Float64Array.of(0.5), signalVariance: 1, noiseVariance: 0 };
    const X = Float64Array.of(0.3, 0.3, 0.3, 0.7);
    const gp = new GaussianProcess(X, Float64Array.of(1, 1.1, 0.9, -1), hyper);
    const p = gp.predict([0.3]);
    assert.ok(Number.isFinite(p.mean) && Number.isFinite(p.variance) && p.variance >= 0);
    const f = robustCholesky(covariance(X, 4, hyper), 4);
    assert.ok(f.jitter > 0);
    const fitted = fitKernel(X, Float64Array.of(1, 1.1, 0.9, -1), 1, stream(1, 'test'));
    assert.ok(Number.isFinite(fitted.lengthscales[0]) && fitted.noiseVariance > 0);
    // a singular matrix with NaN never throws either
    assert.doesNotThrow(() => robustCholesky(Float64Array.of(1, NaN, NaN, 1), 2));
    // conditioning on a point already in the data
    assert.ok(Number.isFinite(gp.condition([0.7], -1).predict([0.7]).variance));
  });

  it('the negative log posterior gradient matches finite differences', () => {
    const random = stream(5, 'grad');
    const d = 3;
    const n = 12;
    const X = Float64Array.from({ length: n * d }, () => random());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(5 * X[i * d]) + X[i * d + 1] ** 2 - 0.5);
    const f = negativeLogPosterior(X, y, d);
    const theta = Float64Array.of(-1, -0.5, 0.3, 0.2, Math.log(1e-2));
    const { gradient } = f(theta);
    for (let k = 0; k < theta.length; k++) {
      const h = 1e-5;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[k] += h;
      down[k] -= h;
      const numeric = (f(up).value - f(down).value) / (2 * h);
      close(gradient[k], numeric, 1e-4 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('L-BFGS finds a bounded minimum', () => {
    const rosen = (x: Float64Array): { value: number; gradient: Float64Array } => ({
      value: 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
      gradient: Float64Array.of(-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)),
    });
    const free = minimizeBoxed(rosen, [-1.2, 1], [-5, -5], [5, 5], { maxIterations: 200, tolerance: 1e-14 });
    close(free.x[0], 1, 1e-3);
    close(free.x[1], 1, 2e-3);
    // with x0 ≤ 0.5 the constrained minimum is on the face x0 = 0.5, x1 = 0.25
    const boxed = minimizeBoxed(rosen, [-1.2, 1], [-5, -5], [0.5, 5], { maxIterations: 200, tolerance: 1e-14 });
    close(boxed.x[0], 0.5, 1e-6);
    close(boxed.x[1], 0.25, 1e-3);
  });

  it('log-EI is accurate and keeps a slope far in the tail', () => {
    close(normalCdf(0), 0.5, 1e-7);
    close(normalCdf(1.959963985), 0.975, 1e-7);
    // log h(z), h(z) = φ(z) + zΦ(z), against Python's math.erfc
    close(logH(2), 0.6973835457882284, 1e-6);
    close(logH(0), -0.9189385332046727, 1e-6);
    close(logH(-2), -4.768783523917116, 1e-6);
    close(logH(-5), -16.744301162661053, 1e-6);
    close(logH(-3 + 1e-9), logH(-3 - 1e-9), 1e-6); // the two branches meet
    // asymptotically h(z) ≈ φ(z)/z²
    close(logH(-40), -800 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(40), 1e-2);
    let previous = -Infinity;
    for (let z = -60; z <= 5; z += 0.5) {
      const v = logH(z);
      assert.ok(Number.isFinite(v) && v > previous, `logH not increasing at ${z}`);
      previous = v;
    }
    close(logExpectedImprovement(0, 4, 1), Math.log(2) + logH(0.5), 1e-12);
  });
});

describe('Cholesky factor', () => {
  it('matches ml-matrix on a random kernel matrix, and the inverse is one', () => {
    const random = stream(9, 'chol');
    const n = 30;
    const hyper = { lengthscales: Float64Array.of(0.3, 0.5), signalVariance: 2, noiseVariance: 1e-3 };
    const X = Float64Array.from({ length: n * 2 }, () => random());
    const K = covariance(X, n, hyper);
    const ours = robustCholesky(K, n);
    assert.equal(ours.jitter, 0);
    const rows = Array.from({ length: n }, (_, i) => Array.from(K.subarray(i * n, (i + 1) * n)));
    const reference = new CholeskyDecomposition(new Matrix(rows)).lowerTriangularMatrix;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) close(ours.L[i * n + j], reference.get(i, j), 1e-10);
    const inv = inverseFromFactor(ours);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += K[i * n + k] * inv[k * n + j];
        close(s, i === j ? 1 : 0, 1e-6);
      }
    }
  });
});
