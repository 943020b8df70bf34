/**
 * What every :predict body shares before a model sees it: `instances` must be a non-empty list; each
 * instance is bounded in nesting depth (a 1.5 MB body can nest 700,000 levels, which would overflow any
 * recursive walk further on); `{"b64": "…"}` objects become bytes, recursively, as Cloud ML decodes them.
 */
import { NumericTensor } from '../numericTensor';
import { HttpError } from './httpError';

export const MAX_DEPTH = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Iterative, so that the check itself cannot overflow the stack. Also says whether the instance holds any
 * object (only objects can be {"b64": …}), so that plain lists of numbers are not copied for nothing.
 */
function scan(value: unknown, limit: number): { tooDeep: boolean; hasObject: boolean } {
  let hasObject = false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return { tooDeep: true, hasObject };
    const isArray = Array.isArray(v);
    if (!isArray) hasObject = true;
    for (const child of isArray ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return { tooDeep: false, hasObject };
}

function decodeB64(value: unknown, where: () => string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => decodeB64(v, where));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'b64') {
    const text = (value as { b64: unknown }).b64;
    if (typeof text !== 'string' || text.length % 4 === 1 || !BASE64.test(text.replace(/\s+/g, ''))) {
      throw new HttpError(400, `${where()}: 'b64' must hold base64 text`);
    }
    return Buffer.from(text, 'base64');
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = decodeB64((value as Record<string, unknown>)[key], where);
  return out;
}

/** Checks and decodes `instances`; `field` names it in messages ('instances', or 'inputs' for columnar TF Serving). */
export function prepareInstances(instances: unknown, field = 'instances'): unknown[] {
  if (instances === undefined) throw new HttpError(400, `the request has no '${field}': expected {"${field}": [ … ]}`);
  if (!Array.isArray(instances)) throw new HttpError(400, `'${field}' must be a list, got ${instances === null ? 'null' : typeof instances}`);
  if (instances.length === 0) throw new HttpError(400, `'${field}' is empty: send at least one instance`);
  return instances.map((instance, i) => {
    if (instance instanceof NumericTensor) return instance; // numbers only, depth bounded by its reader
    const { tooDeep, hasObject } = scan(instance, MAX_DEPTH);
    if (tooDeep) throw new HttpError(400, `instance ${i}: nested deeper than ${MAX_DEPTH} levels`);
    return hasObject ? decodeB64(instance, () => `instance ${i}`) : instance;
  });
}

/**
 * TF Serving's columnar form: `inputs` is one tensor (its rows are the instances) or a map of input
 * name → tensor, all with the same number of rows, turned into one object per row.
 */
export function rowsFromColumns(inputs: unknown): unknown[] {
  if (Array.isArray(inputs)) return prepareInstances(inputs, 'inputs');
  if (inputs === null || typeof inputs !== 'object') throw new HttpError(400, `'inputs' must be a list or an object of named lists, got ${inputs === null ? 'null' : typeof inputs}`);
  const names = Object.keys(inputs);
  if (names.length === 0) throw new HttpError(400, "'inputs' is empty: name at least one input");
  let rows = -1;
  for (const name of names) {
    const column = (inputs as Record<string, unknown>)[name];
    if (!Array.isArray(column)) throw new HttpError(400, `inputs '${name}' must be a list with one entry per instance`);
    if (rows >= 0 && column.length !== rows) throw new HttpError(400, `inputs '${name}' has ${column.length} rows but '${names[0]}' has ${rows}: every input must have the same 0th dimension`);
    rows = column.length;
  }
  const records = Array.from({ length: rows }, (_, i) => Object.fromEntries(names.map((n) => [n, (inputs as Record<string, unknown[]>)[n][i]])));
  return prepareInstances(records, 'inputs');
}

/** Columnar answers: predictions that are objects with the same keys become one list per key; a single key drops the name. */
export function columnsFromRows(predictions: unknown[]): unknown {
  const first = predictions[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return predictions;
  const keys = Object.keys(first);
  const columns: Record<string, unknown[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (const p of predictions) {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) return predictions;
    for (const k of keys) columns[k].push((p as Record<string, unknown>)[k]);
  }
  return keys.length === 1 ? columns[keys[0]] : columns;
}
