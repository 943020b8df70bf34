/**
 * The apply half, shared by training and serving (tf.transform's TransformDataset): raw records in, a
 * row-major Float32Array of `records.length × inputWidth` out. The fitted transform is compiled once
 * into one writer per feature; the loop over records then allocates nothing per record.
 */
import type { RawRecord } from '../data/records';
import { describeValue, fieldOf } from '../data/values';
import type { FittedTransform } from './fittedTransform';
import { type FeatureWriter, opFor } from './ops';
import { InstanceError, TransformError } from './transformError';

export { decodeOutputs, encodeLabelIndices, encodeLabels, type ClassificationPrediction, type Prediction, type RegressionPrediction } from './labels';

interface CompiledFeature {
  column: string;
  offset: number;
  write: FeatureWriter;
  expects: string;
}

interface CompiledTransform {
  width: number;
  features: CompiledFeature[];
}

// Keyed by the transform object itself: a bundle's transform is compiled once however often it serves.
const compiledCache = new WeakMap<FittedTransform, CompiledTransform>();

function compile(t: FittedTransform): CompiledTransform {
  const cached = compiledCache.get(t);
  if (cached) return cached;
  if (t.version !== 1) throw new TransformError(`transform version ${String(t.version)} is not supported (this Model Lab reads version 1)`);
  let offset = 0;
  const features = t.features.map((f): CompiledFeature => {
    const op = opFor(f.transform);
    if (!op) throw new TransformError(`unknown transform '${f.transform}' for column '${f.column}' (made by a newer Model Lab?)`);
    const compiled = { column: f.column, offset, write: op.compile(f), expects: op.expects };
    offset += op.width(f);
    return compiled;
  });
  if (offset !== t.inputWidth) throw new TransformError(`the transform's features add up to ${offset} inputs but it declares inputWidth ${t.inputWidth}`);
  const result = { width: offset, features };
  compiledCache.set(t, result);
  return result;
}

/**
 * Transforms records into model inputs. Missing values (absent, null, empty, NaN) take the feature's
 * fill; a value of the wrong type throws an InstanceError naming the record's index and the field.
 * With `out`, writes there (it must hold `records.length × inputWidth` floats) and returns that part of it.
 */
export function applyTransform(t: FittedTransform, records: readonly RawRecord[], out?: Float32Array): Float32Array {
  const { width, features } = compile(t);
  const size = records.length * width;
  if (out && out.length < size) throw new RangeError(`the output buffer holds ${out.length} floats, ${size} are needed`);
  const x = out ? out.subarray(0, size) : new Float32Array(size);
  if (out) x.fill(0);
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    const base = r * width;
    for (let k = 0; k < features.length; k++) {
      const f = features[k];
      const value = fieldOf(record, f.column);
      if (!f.write(value, x, base + f.offset)) throw new InstanceError(r, f.column, `expected ${f.expects}, got ${describeValue(value)}`);
    }
  }
  return x;
}

/**
 * Checks instances before serving them: every feature column must be present (null stands for a missing
 * value and is filled; an absent field is more likely a misspelt name, which filling would hide) and
 * of a type the feature takes. Fields that are not features, like a key or the label, are ignored.
 */
export function validateInstances(t: FittedTransform, records: readonly RawRecord[]): void {
  const { width, features } = compile(t);
  const row = new Float32Array(width);
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new TransformError(`instance ${r}: expected an object of named fields, got ${describeValue(record)}`);
    }
    for (const f of features) {
      if (!Object.hasOwn(record, f.column)) throw new InstanceError(r, f.column, 'missing (send null for an unknown value)');
      const value = record[f.column];
      if (!f.write(value, row, f.offset)) throw new InstanceError(r, f.column, `expected ${f.expects}, got ${describeValue(value)}`);
    }
    row.fill(0);
  }
}
