/**
 * The quasi-random initial design: a scrambled, randomly shifted Halton sequence.
 *
 * Halton points (the radical inverse of the index in the j-th prime base per coordinate) fill the cube far
 * more evenly than independent draws, which is what an initial design is for. Plain Halton has strongly
 * correlated coordinates in higher dimensions for the first points; permuting the non-zero digits at each
 * digit position (Owen, "A randomized Halton algorithm in R", arXiv:1706.02808, after Braaten & Weller 1979)
 * breaks that, and a random shift modulo 1 per coordinate (Cranley & Patterson 1976) makes the design a
 * different, equally even one for every study seed. Point i is a function of (seed, i) alone, so a resumed
 * study continues the same design.
 */
import { type Random, stream } from './rng';

function primes(count: number): number[] {
  const out: number[] = [];
  for (let c = 2; out.length < count; c++) if (out.every((p) => c % p !== 0)) out.push(c);
  return out;
}

/** Digit positions scrambled; beyond 2^40 points nobody tunes. */
const POSITIONS = 40;

export class ScrambledHalton {
  private readonly bases: number[];
  private readonly shifts: number[];
  private readonly permutations: number[][][];

  constructor(readonly dimension: number, seed: number) {
    this.bases = primes(dimension);
    const random = stream(seed, 'halton', dimension);
    this.shifts = this.bases.map(() => random());
    this.permutations = this.bases.map((b) => {
      const perPosition: number[][] = [];
      for (let pos = 0; pos < POSITIONS && b ** pos < 2 ** 53; pos++) perPosition.push(digitPermutation(b, random));
      return perPosition;
    });
  }

  /** The i-th point (i ≥ 0) in [0,1)^dimension. */
  point(i: number): number[] {
    return this.bases.map((b, j) => {
      let index = i + 1; // index 0 is the origin in every base: skip it
      let value = 0;
      let scale = 1 / b;
      const perms = this.permutations[j];
      for (let pos = 0; index > 0; pos++) {
        const digit = index % b;
        value += (pos < perms.length ? perms[pos][digit] : digit) * scale;
        index = Math.floor(index / b);
        scale /= b;
      }
      const shifted = value + this.shifts[j];
      return shifted - Math.floor(shifted);
    });
  }
}

/** A random permutation of 0..b-1 that keeps 0 fixed (so finitely many digits stay finitely many). */
function digitPermutation(b: number, random: Random): number[] {
  const p = Array.from({ length: b }, (_, i) => i);
  for (let i = b - 1; i > 1; i--) {
    const j = 1 + Math.floor(random() * i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
