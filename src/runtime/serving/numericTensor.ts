/**
 * One instance that is a plain (nested, rectangular) list of numbers, held as the doubles JSON.parse
 * would give, in row-major order. The online server reads `instances` of this form straight from the
 * request bytes (server/numericBody.ts) for engines that say they take it, so that a 64 × 784 request is
 * not first built as 50,000 boxed numbers in 64 × 28 arrays only to be copied into a Float32Array.
 */
export class NumericTensor {
  constructor(
    /** Row-major values; may be a view into a buffer shared with the other instances of the request. */
    readonly values: Float64Array,
    /** Dimensions of this instance ([] for a scalar, [784] for a row, [28, 28] for an image). */
    readonly shape: readonly number[],
  ) {}

  /** The instance as JSON.parse would have returned it (for engines and messages that want lists). */
  toNested(): unknown {
    if (this.shape.length === 0) return this.values[0];
    const build = (offset: number, level: number): unknown[] => {
      const size = this.shape.slice(level + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[level] }, (_, k) =>
        level === this.shape.length - 1 ? this.values[offset + k] : build(offset + k * size, level + 1),
      );
    };
    return build(0, 0);
  }
}
