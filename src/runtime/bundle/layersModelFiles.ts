/**
 * TensorFlow.js layers-model files (`model.json` + one weights shard), written and read without
 * tfjs-node, so the same folder loads in `tf.loadLayersModel` in a browser or in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBackend } from '../backend/selectBackend';

export const MODEL_JSON = 'model.json';
const WEIGHTS_FILE = 'group1-shard1of1.bin';

interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export async function writeLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
      const bytes = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const json: ModelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers} (Model Lab)`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, WEIGHTS_FILE), bytes);
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
    }),
  );
}

export async function readLayersModel(dir: string): Promise<tfl.LayersModel> {
  // Loading makes tensors: without a backend chosen first, TensorFlow.js would start one by itself,
  // outside the engine's control (wasm's crash handlers included).
  await ensureBackend();
  const file = join(dir, MODEL_JSON);
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  } catch (err) {
    throw new Error(`${file}: cannot read the model: ${err instanceof Error ? err.message : String(err)}`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const path of group.paths) shards.push(await readFile(join(dir, path)));
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: specs, weightData }));
}
