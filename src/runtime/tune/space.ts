/**
 * The search space of a study: maps parameter sets to points of the unit cube and back.
 *
 * Two views of the same space, because the algorithms need both:
 * - the *feature* view, what the Gaussian process sees: one coordinate in [0,1] per DOUBLE, INTEGER and
 *   DISCRETE parameter (after its scale), and a one-hot block of k coordinates per CATEGORICAL parameter with
 *   k values, as in the Vizier paper (Golovin et al., KDD 2017, §3; hypertune-reference.md §1.1);
 * - the *sampling* view, one uniform coordinate per parameter, what random search and the quasi-random
 *   initial design draw, so that every categorical or discrete value is equally likely.
 *
 * Rounding (INTEGER) and snapping (DISCRETE) pick the nearest allowed value *in the scaled coordinate*, so a
 * log-scaled integer range rounds where the log scale puts the midpoint, not where the linear scale does.
 */
import type { HyperparameterValues, ParameterSpec, ScaleType } from '../spec/jobSpec';

type Scale = 'LINEAR' | 'LOG' | 'REVERSE_LOG';

function scaleOf(scaleType: ScaleType | undefined): Scale {
  if (scaleType === 'UNIT_LOG_SCALE') return 'LOG';
  if (scaleType === 'UNIT_REVERSE_LOG_SCALE') return 'REVERSE_LOG';
  return 'LINEAR';
}

const clamp01 = (u: number): number => (u < 0 ? 0 : u > 1 ? 1 : u);

/**
 * Value → [0,1]. The reverse log scale mirrors the log scale (dense near maxValue), the way Vizier describes
 * UNIT_REVERSE_LOG_SCALE: x = min + max − exp(log-scale point of 1 − u).
 */
export function toUnit(x: number, min: number, max: number, scale: Scale): number {
  if (max === min) return 0.5;
  if (scale === 'LOG') return clamp01((Math.log(x) - Math.log(min)) / (Math.log(max) - Math.log(min)));
  if (scale === 'REVERSE_LOG') return clamp01(1 - (Math.log(max + min - x) - Math.log(min)) / (Math.log(max) - Math.log(min)));
  return clamp01((x - min) / (max - min));
}

/** [0,1] → value; the inverse of {@link toUnit}, clamped to [min, max] against rounding error. */
export function fromUnit(u: number, min: number, max: number, scale: Scale): number {
  const v = clamp01(u);
  let x: number;
  if (scale === 'LOG') x = Math.exp(Math.log(min) + v * (Math.log(max) - Math.log(min)));
  else if (scale === 'REVERSE_LOG') x = min + max - Math.exp(Math.log(min) + (1 - v) * (Math.log(max) - Math.log(min)));
  else x = min + v * (max - min);
  return Math.min(max, Math.max(min, x));
}

/** One parameter's place in the space. */
export interface Dimension {
  spec: ParameterSpec;
  scale: Scale;
  /** First feature coordinate of this parameter. */
  offset: number;
  /** Feature coordinates it takes: k for a CATEGORICAL with k values, else 1. */
  width: number;
  /** How many values it can take (INTEGER, DISCRETE, CATEGORICAL); Infinity for DOUBLE. */
  count: number;
}

export class SearchSpace {
  readonly dimensions: readonly Dimension[];
  /** Number of feature coordinates (the Gaussian process's input dimension). */
  readonly width: number;
  /** True when every parameter is DOUBLE: features need no projection onto allowed values. */
  readonly continuous: boolean;

  constructor(params: readonly ParameterSpec[]) {
    let offset = 0;
    this.dimensions = params.map((spec) => {
      const width = spec.type === 'CATEGORICAL' ? (spec.categoricalValues ?? []).length : 1;
      const dim: Dimension = { spec, scale: scaleOf(spec.scaleType), offset, width, count: countOf(spec) };
      offset += width;
      return dim;
    });
    this.width = offset;
    this.continuous = params.every((p) => p.type === 'DOUBLE');
  }

  /** Parameter set → feature point. Numeric values given as strings (e.g. from a file) are accepted. */
  encode(values: HyperparameterValues): number[] {
    const out = new Array<number>(this.width).fill(0);
    for (const d of this.dimensions) {
      const raw = values[d.spec.parameterName];
      if (d.spec.type === 'CATEGORICAL') {
        const k = (d.spec.categoricalValues ?? []).indexOf(String(raw));
        if (k >= 0) out[d.offset + k] = 1;
      } else {
        out[d.offset] = this.unitOf(d, Number(raw));
      }
    }
    return out;
  }

  /** Feature point → parameter set: rounds INTEGER, snaps DISCRETE, takes the argmax of a one-hot block. */
  decode(point: ArrayLike<number>): HyperparameterValues {
    const out: HyperparameterValues = {};
    for (const d of this.dimensions) {
      const name = d.spec.parameterName;
      if (d.spec.type === 'CATEGORICAL') {
        let best = 0;
        for (let k = 1; k < d.width; k++) if (point[d.offset + k] > point[d.offset + best]) best = k;
        out[name] = (d.spec.categoricalValues ?? [])[best];
      } else {
        out[name] = this.valueAt(d, point[d.offset]);
      }
    }
    return out;
  }

  /** The feature point of the allowed parameter set nearest to `point`: encode(decode(point)). */
  project(point: ArrayLike<number>): number[] {
    return this.encode(this.decode(point));
  }

  /**
   * Sampling view: one uniform coordinate per parameter → parameter set. DISCRETE and CATEGORICAL values and
   * linearly scaled integers are equally likely; DOUBLE and log-scaled INTEGER follow their scale.
   */
  fromSample(u: ArrayLike<number>): HyperparameterValues {
    const out: HyperparameterValues = {};
    this.dimensions.forEach((d, i) => {
      const v = clamp01(u[i]);
      const name = d.spec.parameterName;
      if (d.spec.type === 'DOUBLE' || (d.spec.type === 'INTEGER' && d.scale !== 'LINEAR')) {
        out[name] = this.valueAt(d, v);
      } else if (d.spec.type === 'INTEGER') {
        const min = d.spec.minValue ?? 0;
        const max = d.spec.maxValue ?? min;
        out[name] = Math.min(max, min + Math.floor(v * (max - min + 1)));
      } else {
        const list = d.spec.type === 'CATEGORICAL' ? d.spec.categoricalValues ?? [] : d.spec.discreteValues ?? [];
        out[name] = list[Math.min(list.length - 1, Math.floor(v * list.length))];
      }
    });
    return out;
  }

  /** A canonical string for a parameter set: equal keys ⇔ the same trial configuration. */
  key(values: HyperparameterValues): string {
    return JSON.stringify(this.dimensions.map((d) => {
      const raw = values[d.spec.parameterName];
      return d.spec.type === 'CATEGORICAL' ? String(raw) : Number(raw);
    }));
  }

  /** Whether two parameter sets are the same configuration. */
  equal(a: HyperparameterValues, b: HyperparameterValues): boolean {
    return this.key(a) === this.key(b);
  }

  /** Number of distinct parameter sets; Infinity when any parameter is DOUBLE. */
  get size(): number {
    return this.dimensions.reduce((n, d) => n * d.count, 1);
  }

  /** The i-th allowed value of a finite dimension, in increasing order (the order of the spec's lists). */
  valueOfIndex(d: Dimension, i: number): number | string {
    if (d.spec.type === 'CATEGORICAL') return (d.spec.categoricalValues ?? [])[i];
    if (d.spec.type === 'DISCRETE') return (d.spec.discreteValues ?? [])[i];
    return (d.spec.minValue ?? 0) + i;
  }

  private unitOf(d: Dimension, x: number): number {
    if (d.spec.type === 'DISCRETE') {
      const list = d.spec.discreteValues ?? [];
      return toUnit(x, list[0], list[list.length - 1], d.scale);
    }
    return toUnit(x, d.spec.minValue ?? 0, d.spec.maxValue ?? 1, d.scale);
  }

  private valueAt(d: Dimension, u: number): number {
    const v = clamp01(Number.isFinite(u) ? u : 0.5);
    if (d.spec.type === 'DOUBLE') return fromUnit(v, d.spec.minValue ?? 0, d.spec.maxValue ?? 1, d.scale);
    if (d.spec.type === 'INTEGER') {
      const min = d.spec.minValue ?? 0;
      const max = d.spec.maxValue ?? min;
      const x = fromUnit(v, min, max, d.scale);
      const lo = Math.max(min, Math.floor(x));
      const hi = Math.min(max, Math.ceil(x));
      return Math.abs(this.unitOf(d, lo) - v) <= Math.abs(this.unitOf(d, hi) - v) ? lo : hi;
    }
    // DISCRETE: the allowed value whose scaled coordinate is nearest (binary search over the sorted list).
    const list = d.spec.discreteValues ?? [];
    let lo = 0;
    let hi = list.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.unitOf(d, list[mid]) <= v) lo = mid;
      else hi = mid;
    }
    return Math.abs(this.unitOf(d, list[lo]) - v) <= Math.abs(this.unitOf(d, list[hi]) - v) ? list[lo] : list[hi];
  }
}

function countOf(spec: ParameterSpec): number {
  if (spec.type === 'CATEGORICAL') return (spec.categoricalValues ?? []).length;
  if (spec.type === 'DISCRETE') return (spec.discreteValues ?? []).length;
  if (spec.type === 'INTEGER') return (spec.maxValue ?? 0) - (spec.minValue ?? 0) + 1;
  return Infinity;
}
