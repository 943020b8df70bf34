/**
 * Reads a Keras 2 (tf.keras 2.x) model saved as HDF5 (`model.save('model.h5')`) with h5wasm, in the layout
 * Keras 2's `hdf5_format.save_model_to_hdf5` writes:
 * - root attributes `keras_version`, `backend`, `model_config` (JSON), `training_config` (JSON, optional);
 * - group `model_weights`, attribute `layer_names` (every layer in model order; `layer_names0`,
 *   `layer_names1`, … when Keras had to split a long list), one subgroup per layer with attribute
 *   `weight_names` (e.g. `dense/kernel:0`, in the layer's weight order), datasets at
 *   `model_weights/<layer>/<weight name>`.
 * A weights-only file (`model.save_weights('w.h5')`) has no `model_config` and is refused with advice.
 */
import { resolve } from 'node:path';
import type * as H5Module from 'h5wasm/node';

export class KerasH5Error extends Error {}

export interface KerasWeight {
  /** As saved, e.g. `dense/kernel:0`. */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface KerasLayerWeights {
  layerName: string;
  weights: KerasWeight[];
}

export interface KerasH5Model {
  kerasVersion?: string;
  backend?: string;
  /** The parsed `model_config` attribute: `{class_name, config}`. */
  modelConfig: Record<string, unknown>;
  trainingConfig?: Record<string, unknown>;
  /** Every layer of `layer_names`, in model order, with its weights (empty for layers without any). */
  layers: KerasLayerWeights[];
}

type H5 = typeof H5Module;
let h5wasmModule: Promise<H5> | undefined;

/** h5wasm's Node build (an ES module; NODERAWFS, so it reads the file system directly). */
function loadH5wasm(): Promise<H5> {
  h5wasmModule ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    return m;
  });
  return h5wasmModule;
}

interface AttrsHolder {
  attrs: Record<string, { value: unknown }>;
}

function attrText(holder: AttrsHolder, name: string): string | undefined {
  const attr = holder.attrs[name];
  if (!attr) return undefined;
  const v = attr.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return v === null || v === undefined ? undefined : String(v);
}

/** A list of names, as Keras's `load_attributes_from_hdf5_group` reads it (chunked names too). */
function attrNames(holder: AttrsHolder, name: string): string[] {
  const toList = (v: unknown): string[] => {
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.map((s) => String(s).replace(/\0+$/, ''));
    if (ArrayBuffer.isView(v)) return []; // an empty float array: Keras writes [] for layers without weights
    return [];
  };
  if (holder.attrs[name]) return toList(holder.attrs[name].value);
  const out: string[] = [];
  for (let chunk = 0; holder.attrs[`${name}${chunk}`]; chunk++) out.push(...toList(holder.attrs[`${name}${chunk}`].value));
  return out;
}

function parseJsonAttr(text: string, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // reported below
  }
  throw new KerasH5Error(`its ${what} attribute is not a JSON object`);
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with HDF5's signature (files with a user block put it at 512, 1024, …). */
export function isHdf5(head: Uint8Array): boolean {
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => head[at + i] === b)) return true;
  }
  return false;
}

export async function readKerasH5(path: string): Promise<KerasH5Model> {
  const h5 = await loadH5wasm();
  const abs = resolve(path);
  let file: InstanceType<H5['File']>;
  try {
    file = new h5.File(abs, 'r');
  } catch (err) {
    throw new KerasH5Error(`${abs} could not be opened as HDF5: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const modelConfigText = attrText(file as unknown as AttrsHolder, 'model_config');
    if (modelConfigText === undefined) {
      throw new KerasH5Error(
        'it has no model_config attribute, so it holds weights only (as model.save_weights writes) and no model. ' +
          "Save the whole model with Keras 2: model.save('model.h5')",
      );
    }
    const modelConfig = parseJsonAttr(modelConfigText, 'model_config');
    const trainingText = attrText(file as unknown as AttrsHolder, 'training_config');
    const weightsGroup = file.get('model_weights') as unknown as (AttrsHolder & { get(name: string): unknown }) | null;
    if (!weightsGroup || typeof weightsGroup.get !== 'function') throw new KerasH5Error('it has no model_weights group');
    const layers: KerasLayerWeights[] = attrNames(weightsGroup, 'layer_names').map((layerName) => {
      const group = weightsGroup.get(layerName) as (AttrsHolder & { get(name: string): unknown }) | null;
      if (!group) throw new KerasH5Error(`model_weights has no group for layer "${layerName}"`);
      const weights = attrNames(group, 'weight_names').map((name): KerasWeight => {
        const ds = group.get(name) as { shape: number[] | null; value: unknown } | null;
        if (!ds || !('value' in ds)) throw new KerasH5Error(`model_weights/${layerName} has no dataset "${name}"`);
        const value = ds.value;
        let values: Float32Array;
        if (value instanceof Float32Array) values = value;
        else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) values = Float32Array.from(value as unknown as ArrayLike<number>, Number);
        else if (typeof value === 'number') values = Float32Array.of(value);
        else throw new KerasH5Error(`model_weights/${layerName}/${name} is not numeric`);
        return { name, shape: ds.shape ?? [], values };
      });
      return { layerName, weights };
    });
    return {
      kerasVersion: attrText(file as unknown as AttrsHolder, 'keras_version'),
      backend: attrText(file as unknown as AttrsHolder, 'backend'),
      modelConfig,
      trainingConfig: trainingText === undefined ? undefined : parseJsonAttr(trainingText, 'training_config'),
      layers,
    };
  } catch (err) {
    if (err instanceof KerasH5Error) throw new KerasH5Error(`${abs}: ${err.message}`);
    throw err;
  } finally {
    file.close();
  }
}
