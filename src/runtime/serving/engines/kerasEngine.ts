/**
 * Serves a Keras 2 model saved as HDF5 (`model.h5`, or the folder's only `*.h5` / `*.hdf5`) with
 * TensorFlow.js: the file is read with h5wasm and rebuilt as a layers model (../../keras/). Instances are
 * as Cloud ML Engine's TensorFlow runtime takes them: for a single-input model, the input value itself (a
 * nested list shaped like the input without its batch dimension) or `{<input name>: value}`; for several
 * inputs, an object keyed by input name. Predictions: the output value for a single-output model, else an
 * object keyed by output name.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ensureBackend } from '../../backend/selectBackend';
import { readKerasH5 } from '../../keras/kerasH5';
import { buildLayersModel } from '../../keras/kerasModel';
import type { EngineSignature, ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { findKerasModelFile, recogniseAs } from '../modelFiles';

// Recognition lives in ../modelFiles (shared with the registry and the extension).
export { findKerasModelFile };

type Nested = number | Nested[];

interface Prepared {
  /** One flat float array per model input. */
  values: number[][];
  /** Grouping key: instances with the same shapes are predicted together. */
  key: string;
  shapes: number[][];
}

export class KerasEngine implements ModelEngine {
  readonly framework = 'keras-h5';
  readonly runtime: string;
  readonly signature: EngineSignature;
  private readonly inputNames: string[];
  private readonly outputNames: string[];
  /** Each input's shape without the batch dimension (null for free dimensions). */
  private readonly inputShapes: (number | null)[][];

  constructor(
    readonly model: tfl.LayersModel,
    backend: string,
    readonly file: string,
    readonly kerasVersion?: string,
  ) {
    this.runtime = `tfjs-${backend}`;
    // A Sequential model leaves inputNames / outputNames empty: its layers' names are the ones Keras uses.
    this.inputNames = model.inputNames.length === model.inputs.length ? model.inputNames : model.inputs.map((t) => t.sourceLayer.name);
    this.outputNames = model.outputNames.length === model.outputs.length ? model.outputNames : model.outputs.map((t) => t.sourceLayer.name);
    this.inputShapes = model.inputs.map((t) => t.shape.slice(1));
    this.signature = {
      inputs: model.inputs.map((t, i) => ({ name: this.inputNames[i], dtype: t.dtype, shape: t.shape.map((d) => d ?? -1) })),
      outputs: model.outputs.map((t, i) => ({ name: this.outputNames[i], dtype: t.dtype, shape: t.shape.map((d) => d ?? -1) })),
    };
  }

  async predict(instances: unknown[]): Promise<PredictOutcome[]> {
    const outcomes: PredictOutcome[] = new Array(instances.length);
    const groups = new Map<string, { index: number; prepared: Prepared }[]>();
    instances.forEach((instance, index) => {
      try {
        const prepared = this.prepare(instance);
        const group = groups.get(prepared.key) ?? [];
        group.push({ index, prepared });
        groups.set(prepared.key, group);
      } catch (err) {
        outcomes[index] = { error: `instance ${index}: ${err instanceof Error ? err.message : String(err)}` };
      }
    });
    for (const group of groups.values()) {
      const n = group.length;
      const shapes = group[0].prepared.shapes;
      const outputs = tf.tidy(() => {
        const inputs = shapes.map((shape, i) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const flat = new Float32Array(n * size);
          group.forEach((g, r) => flat.set(g.prepared.values[i], r * size));
          return tf.tensor(flat, [n, ...shape], 'float32');
        });
        const out = this.model.predict(inputs.length === 1 ? inputs[0] : inputs);
        return Array.isArray(out) ? out : [out];
      });
      try {
        const arrays = await Promise.all(outputs.map((t) => t.array() as Promise<unknown[]>));
        group.forEach((g, r) => {
          const prediction =
            arrays.length === 1 ? arrays[0][r] : Object.fromEntries(arrays.map((a, o) => [this.outputNames[o], a[r]]));
          outcomes[g.index] = { prediction };
        });
      } finally {
        tf.dispose(outputs);
      }
    }
    return outcomes;
  }

  private prepare(instance: unknown): Prepared {
    let perInput: unknown[];
    const isObject = instance !== null && typeof instance === 'object' && !Array.isArray(instance);
    if (this.inputNames.length === 1 && !isObject) {
      perInput = [instance];
    } else if (isObject) {
      const record = instance as Record<string, unknown>;
      const unknown = Object.keys(record).filter((k) => !this.inputNames.includes(k));
      if (unknown.length > 0) throw new Error(`unknown input ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the model's inputs are ${this.inputNames.join(', ')}`);
      const missing = this.inputNames.filter((k) => !(k in record));
      if (missing.length > 0) throw new Error(`missing input ${missing.join(', ')}`);
      perInput = this.inputNames.map((k) => record[k]);
    } else {
      throw new Error(`the model has ${this.inputNames.length} inputs: send an object keyed by ${this.inputNames.join(', ')}`);
    }
    const values: number[][] = [];
    const shapes: number[][] = [];
    perInput.forEach((value, i) => {
      const expected = this.inputShapes[i];
      // A bare number for an input of one value.
      const v = typeof value === 'number' && expected.length === 1 && expected[0] === 1 ? [value] : value;
      const shape: number[] = [];
      const flat: number[] = [];
      flatten(v as Nested, 0, shape, flat, this.inputNames[i]);
      if (shape.length !== expected.length || expected.some((d, k) => d !== null && d !== shape[k])) {
        throw new Error(`input ${this.inputNames[i]} must have shape [${expected.map((d) => d ?? '?')}], got [${shape}]`);
      }
      values.push(flat);
      shapes.push(shape);
    });
    return { values, shapes, key: JSON.stringify(shapes) };
  }

  async close(): Promise<void> {
    this.model.dispose();
  }
}

/** Flattens a nested list of numbers, checking it is rectangular; records its shape. */
function flatten(v: Nested, depth: number, shape: number[], out: number[], name: string): void {
  if (Array.isArray(v)) {
    if (shape.length === depth) shape.push(v.length);
    else if (shape[depth] !== v.length) throw new Error(`input ${name} is not rectangular (lengths ${shape[depth]} and ${v.length} at depth ${depth})`);
    for (const x of v) flatten(x, depth + 1, shape, out, name);
    return;
  }
  if (typeof v !== 'number') throw new Error(`input ${name} must hold numbers, got ${JSON.stringify(v)}`);
  if (shape.length !== depth) throw new Error(`input ${name} is not rectangular (a number where a list was expected)`);
  out.push(v);
}

export const kerasLoader: ModelLoader = {
  framework: 'keras-h5',
  async detect(dir) {
    return recogniseAs(dir, 'keras-h5') !== undefined;
  },
  async load(dir) {
    const file = findKerasModelFile(dir);
    if (!file) throw new Error(`${dir} holds no Keras model (model.h5, or a single *.h5 file)`);
    if (file.endsWith('.keras')) {
      throw new Error(
        `${file} is a Keras 3 .keras archive, which Model Lab does not read yet: save the model as HDF5 ` +
          "(model.save('model.h5')) or convert it with tensorflowjs_converter",
      );
    }
    const backend = await ensureBackend();
    const h5 = await readKerasH5(file);
    return new KerasEngine(await buildLayersModel(h5), backend.name, file, h5.kerasVersion);
  },
};
