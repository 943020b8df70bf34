/**
 * The ONNX form of a Model Lab bundle's layers model. Conversions are cached outside the bundle, in the
 * user's cache folder (util/cacheDir), under a key made of a fingerprint of the TensorFlow.js files and
 * the labels: a bundle rewritten in place (new weights, same folder) gets a new key instead of stale
 * weights, and the model folder itself is never written to.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readLayersModel } from '../bundle/layersModelFiles';
import { MODEL_JSON } from '../bundle/layersModelFiles';
import { convertLayersModelToOnnx } from './convertLayersModel';
import { decodeModel } from './onnxProto';
import { cacheDir } from '../util/cacheDir';

const SOURCE_KEY = 'modellab.source_sha256';

/** sha256 over model.json and its weight shards, in manifest order. */
export async function layersModelFingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const json = await readFile(join(dir, MODEL_JSON));
  hash.update(json);
  const manifest = JSON.parse(json.toString('utf8')) as { weightsManifest?: { paths: string[] }[] };
  for (const group of manifest.weightsManifest ?? []) for (const path of group.paths) hash.update(await readFile(join(dir, path)));
  return hash.digest('hex');
}

function metadataOf(bytes: Uint8Array, key: string): string | undefined {
  try {
    return decodeModel(bytes).metadataProps?.find((p) => p.key === key)?.value;
  } catch {
    return undefined;
  }
}

export interface BundleOnnx {
  bytes: Uint8Array;
  /** True when read from a cache made from the same TensorFlow.js files. */
  fromCache: boolean;
}

/** The cache file of a bundle's conversion: one per (TensorFlow.js files, labels). */
export function bundleOnnxCacheFile(fingerprint: string, labels?: string[]): string {
  const key = createHash('sha256').update(fingerprint).update('\0').update(JSON.stringify(labels ?? null)).digest('hex');
  return cacheDir('onnx', `${key}.onnx`);
}

/**
 * Converts the bundle's layers model (or reads the up-to-date cache). Throws UnsupportedLayerError
 * when a layer does not convert. Writing the cache is best effort: without a writable cache folder the
 * bundle still serves, converted at each load.
 */
export async function bundleOnnx(dir: string, labels?: string[]): Promise<BundleOnnx> {
  const fingerprint = await layersModelFingerprint(dir);
  const cacheFile = bundleOnnxCacheFile(fingerprint, labels);
  const cached = await readFile(cacheFile).catch(() => undefined);
  if (cached && metadataOf(cached, SOURCE_KEY) === fingerprint) return { bytes: cached, fromCache: true };
  // Reading weights needs an initialised backend; ready() takes the best one that starts (cpu at worst).
  await tf.ready();
  const model = await readLayersModel(dir);
  let bytes: Uint8Array;
  try {
    const metadata: Record<string, string> = { [SOURCE_KEY]: fingerprint };
    if (labels) metadata['modellab.labels'] = JSON.stringify(labels);
    bytes = convertLayersModelToOnnx(model, { metadata });
  } finally {
    model.dispose();
  }
  // Written beside and renamed, so a concurrent reader never sees half a file.
  const partial = `${cacheFile}.partial-${process.pid}`;
  try {
    await mkdir(dirname(cacheFile), { recursive: true });
    await writeFile(partial, bytes);
    await rename(partial, cacheFile);
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
  }
  return { bytes, fromCache: false };
}
