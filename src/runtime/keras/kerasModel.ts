/**
 * Turns a Keras 2 .h5 model (kerasH5.ts) into a TensorFlow.js layers model, the way the tfjs converter does
 * for Keras HDF5 files: the `model_config` JSON is the layers topology (`tfl.models.modelFromJSON`), with
 * the converter's class-name fixes (`BatchNormalizationV1` → `BatchNormalization`, `UnifiedLSTM` → `LSTM`,
 * …) and the keys newer Keras versions add that tfjs-layers does not know (`module`, `registered_name`,
 * `build_config`, …) dropped. Weights are then set the way Keras's own `load_weights_from_hdf5_group` does:
 * in topological order, layer by layer (the i-th saved layer with weights goes to the i-th model layer
 * with weights), each layer's weights in their saved order — so names need not match.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type KerasH5Model, KerasH5Error } from './kerasH5';

const CLASS_NAME_MAP: Record<string, string> = {
  BatchNormalizationV1: 'BatchNormalization',
  BatchNormalizationV2: 'BatchNormalization',
  UnifiedGRU: 'GRU',
  UnifiedLSTM: 'LSTM',
};
const DROPPED_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

/** A copy of a Keras config that tfjs-layers can deserialize. */
export function normalizeKerasConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeKerasConfig);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === 'class_name' && typeof v === 'string') out[key] = CLASS_NAME_MAP[v] ?? v;
    else if (key === 'batch_shape' && !('batch_input_shape' in (value as object))) out.batch_input_shape = v;
    else if (key === 'dtype' && v && typeof v === 'object' && (v as { class_name?: string }).class_name?.endsWith('DTypePolicy')) {
      // Keras 3 writes dtype policies as objects; tfjs-layers takes the dtype name.
      const name = String((v as { config?: { name?: string } }).config?.name ?? 'float32');
      out[key] = name.replace(/^mixed_/, '');
    } else out[key] = normalizeKerasConfig(v);
  }
  return out;
}

export async function buildLayersModel(h5: KerasH5Model): Promise<tfl.LayersModel> {
  const topology = normalizeKerasConfig(h5.modelConfig) as tf.io.ModelJSON['modelTopology'];
  let model: tfl.LayersModel;
  try {
    model = await tfl.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON as never);
  } catch (err) {
    const cls = String(h5.modelConfig.class_name ?? '?');
    throw new KerasH5Error(
      `TensorFlow.js could not build the ${cls} model from its Keras config (Keras ${h5.kerasVersion ?? '?'}): ` +
        `${err instanceof Error ? err.message : String(err)}`,
    );
  }
  try {
    setWeightsInOrder(model, h5);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

function setWeightsInOrder(model: tfl.LayersModel, h5: KerasH5Model): void {
  const modelLayers = model.layers.filter((l) => l.weights.length > 0);
  const saved = h5.layers.filter((l) => l.weights.length > 0);
  if (modelLayers.length !== saved.length) {
    throw new KerasH5Error(
      `layer count mismatch: the model has ${modelLayers.length} layers with weights ` +
        `(${modelLayers.map((l) => l.name).join(', ')}), the file has weights for ${saved.length} (${saved.map((l) => l.layerName).join(', ')})`,
    );
  }
  modelLayers.forEach((layer, k) => {
    const { layerName, weights } = saved[k];
    const expected = layer.weights;
    if (expected.length !== weights.length) {
      throw new KerasH5Error(
        `layer #${k} (${layer.name} in the model, ${layerName} in the file) expects ${expected.length} weights, the file has ${weights.length}`,
      );
    }
    weights.forEach((w, i) => {
      const want = expected[i].shape;
      if (want.length !== w.shape.length || want.some((d, j) => d !== w.shape[j])) {
        throw new KerasH5Error(
          `layer #${k} (${layer.name}): weight ${w.name} has shape [${w.shape}], the model expects [${want}] for ${expected[i].originalName}`,
        );
      }
    });
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  });
}
