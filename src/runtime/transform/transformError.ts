/** Errors of the transform: a features spec that does not fit the data, and instances that do not fit the transform. */

export class TransformError extends Error {
  constructor(
    message: string,
    /** Dotted spec path at fault, e.g. `features.pixel_*` or `data.label`, when there is one. */
    readonly path?: string,
    /** The closest valid name, for typos. */
    readonly suggestion?: string,
  ) {
    super(`${path ? `${path}: ` : ''}${message}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
    this.name = 'TransformError';
  }
}

/** A record (an instance, at prediction time) that the transform cannot take, named by index and field. */
export class InstanceError extends TransformError {
  constructor(
    readonly index: number,
    readonly field: string,
    problem: string,
  ) {
    super(`instance ${index}: field '${field}': ${problem}`);
    this.name = 'InstanceError';
  }
}
