/**
 * Turns :predict instances into ONNX Runtime input tensors and output tensors back into one value
 * per instance. Instances follow Cloud ML Engine's rules: for a single-input model a (nested) list or
 * scalar, or `{<input name>: value}`; for several inputs an object keyed by input name.
 */
import * as ort from 'onnxruntime-node';
import { NumericTensor } from '../numericTensor';

export interface InputSpec {
  name: string;
  /** ORT's element type: 'float32', 'int64', 'string', … */
  type: string;
  /** Dimensions after the batch; null where the model leaves them open. */
  dims: (number | null)[];
}

/** One instance's values, per input, flattened, with the shape they had. */
export interface ParsedInstance {
  values: Map<string, { flat: ArrayLike<unknown>; shape: readonly number[] }>;
  /** Instances with equal keys can share one batch (same shapes for every input). */
  key: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Flattens a rectangular nested list; throws when it is ragged. */
function flatten(value: unknown): { flat: ArrayLike<unknown>; shape: readonly number[] } {
  if (value instanceof NumericTensor) return { flat: value.values, shape: value.shape };
  if (!Array.isArray(value)) return { flat: [value], shape: [] };
  if (value.length === 0) return { flat: [], shape: [0] };
  // The common case, a row of numbers, without an object per element (the batch path's hot spot).
  if (!value.some(Array.isArray)) return { flat: value, shape: [value.length] };
  const parts = value.map(flatten);
  const inner = parts[0].shape;
  for (const p of parts) {
    if (p.shape.length !== inner.length || p.shape.some((d, i) => d !== inner[i])) throw new Error('is a ragged nested list (rows of different lengths)');
  }
  // Parts of a list are lists or scalars (a NumericTensor is only ever a whole instance): plain arrays.
  return { flat: parts.flatMap((p) => p.flat as unknown[]), shape: [value.length, ...inner] };
}

function checkElements(flat: ArrayLike<unknown>, type: string): void {
  // Doubles read from the body are numbers by construction; only integer inputs need a look at each.
  if (flat instanceof Float64Array && (type === 'float32' || type === 'float64')) return;
  for (let k = 0; k < flat.length; k++) {
    const v = flat[k];
    const ok =
      type === 'string'
        ? typeof v === 'string'
        : type === 'bool'
          ? typeof v === 'boolean'
          : type.startsWith('int') || type.startsWith('uint')
            ? typeof v === 'number' && Number.isInteger(v)
            : typeof v === 'number';
    if (!ok) throw new Error(`holds ${JSON.stringify(v)} where the model expects ${type}`);
  }
}

export function parseInstance(instance: unknown, inputs: InputSpec[]): ParsedInstance {
  const byName = new Map<string, unknown>();
  if (inputs.length === 1) {
    const [only] = inputs;
    if (isPlainObject(instance) && !(instance instanceof NumericTensor)) {
      const keys = Object.keys(instance);
      if (keys.length !== 1 || keys[0] !== only.name) throw new Error(`expected a list or {"${only.name}": …}, got an object with keys ${keys.join(', ') || '(none)'}`);
      byName.set(only.name, instance[only.name]);
    } else byName.set(only.name, instance);
  } else {
    if (!isPlainObject(instance) || instance instanceof NumericTensor) throw new Error(`the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}): send an object keyed by input name`);
    for (const key of Object.keys(instance)) if (!inputs.some((i) => i.name === key)) throw new Error(`unknown input '${key}' (inputs: ${inputs.map((i) => i.name).join(', ')})`);
    for (const i of inputs) {
      if (!Object.hasOwn(instance, i.name)) throw new Error(`missing input '${i.name}'`);
      byName.set(i.name, instance[i.name]);
    }
  }
  const values = new Map<string, { flat: ArrayLike<unknown>; shape: readonly number[] }>();
  for (const spec of inputs) {
    let parsed: { flat: ArrayLike<unknown>; shape: readonly number[] };
    try {
      parsed = flatten(byName.get(spec.name));
      if (parsed.shape.length !== spec.dims.length || spec.dims.some((d, k) => d !== null && d !== parsed.shape[k])) {
        const want = spec.dims.length === 0 ? 'a scalar' : `shape [${spec.dims.map((d) => d ?? '?').join(', ')}]`;
        throw new Error(`has shape [${parsed.shape.join(', ')}], expected ${want}`);
      }
      checkElements(parsed.flat, spec.type);
    } catch (err) {
      throw new Error(`input '${spec.name}' ${err instanceof Error ? err.message : String(err)}`);
    }
    values.set(spec.name, parsed);
  }
  return { values, key: inputs.map((i) => values.get(i.name)!.shape.join('x')).join('|') };
}

/** Stacks instances that share shapes into one tensor per input. */
export function stackInputs(batch: ParsedInstance[], inputs: InputSpec[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of inputs) {
    const first = batch[0].values.get(spec.name)!;
    const dims = [batch.length, ...first.shape];
    const numeric = NUMERIC_ARRAYS[spec.type];
    if (numeric) {
      // Straight into the typed array ORT reads: no intermediate list of every value in the batch.
      const size = first.flat.length;
      const data = new numeric.Array(batch.length * size);
      batch.forEach((p, i) => {
        const flat = p.values.get(spec.name)!.flat as ArrayLike<number>;
        if (flat instanceof Float64Array) data.set(flat, i * size);
        else for (let k = 0; k < size; k++) data[i * size + k] = flat[k];
      });
      feeds[spec.name] = new ort.Tensor(numeric.type, data, dims);
    } else {
      feeds[spec.name] = makeTensor(spec.type, batch.flatMap((p) => Array.from(p.values.get(spec.name)!.flat)), dims);
    }
  }
  return feeds;
}

const NUMERIC_ARRAYS: Record<string, { type: 'float32' | 'float64' | 'int32'; Array: Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor }> = {
  float32: { type: 'float32', Array: Float32Array },
  float64: { type: 'float64', Array: Float64Array },
  int32: { type: 'int32', Array: Int32Array },
};

function makeTensor(type: string, flat: unknown[], dims: number[]): ort.Tensor {
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(flat as number[]), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(flat as number[]), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(flat as number[]), dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from((flat as number[]).map((v) => BigInt(v))), dims);
    case 'string':
      return new ort.Tensor('string', flat as string[], dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from((flat as boolean[]).map((v) => (v ? 1 : 0))), dims);
    default:
      throw new Error(`inputs of type ${type} are not supported`);
  }
}

/** Row `i` of a batched output tensor, as nested lists in the tensor's shape (a scalar for [N]). */
export function outputRow(tensor: ort.Tensor, i: number): unknown {
  const inner = tensor.dims.slice(1);
  const size = inner.reduce((a, b) => a * b, 1);
  const data = tensor.data as ArrayLike<unknown>;
  const row: unknown[] = new Array(size);
  const start = i * size;
  // Float and int32 elements are numbers already; only int64 (BigInt) and bool need converting.
  if (tensor.type === 'float32' || tensor.type === 'float64' || tensor.type === 'int32') for (let k = 0; k < size; k++) row[k] = data[start + k];
  else for (let k = 0; k < size; k++) row[k] = jsonValue(data[start + k], tensor.type);
  return nest(row, inner);
}

function jsonValue(v: unknown, type: string): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (type === 'bool') return Boolean(v);
  return v;
}

function nest(flat: unknown[], dims: readonly number[]): unknown {
  if (dims.length === 0) return flat[0];
  if (dims.length === 1) return flat;
  const step = flat.length / dims[0];
  return Array.from({ length: dims[0] }, (_, k) => nest(flat.slice(k * step, (k + 1) * step), dims.slice(1)));
}
