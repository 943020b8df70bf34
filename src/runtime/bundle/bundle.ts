/**
 * A Model Lab bundle: a model folder holding the TensorFlow.js model and `modellab.json`. Saved
 * atomically (written beside, then renamed into place) so a crash never leaves half a bundle.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readLayersModel, writeLayersModel } from './layersModelFiles';
import { type BundleManifest, MANIFEST_FILE, MANIFEST_FORMAT } from './manifest';

export interface LoadedBundle {
  dir: string;
  model: tfl.LayersModel;
  manifest: BundleManifest;
}

export async function saveBundle(model: tfl.LayersModel, manifest: BundleManifest, dir: string): Promise<void> {
  const staging = join(dirname(dir), `.${basename(dir)}.partial-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeLayersModel(model, staging);
  await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const previous = `${staging}.old`;
  if (existsSync(dir)) await rename(dir, previous);
  await rename(staging, dir);
  await rm(previous, { recursive: true, force: true });
}

export async function readManifest(dir: string): Promise<BundleManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${dir} is not a Model Lab model folder: it has no ${MANIFEST_FILE}`);
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(text) as BundleManifest;
  } catch (err) {
    throw new Error(`${file}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (manifest.format !== MANIFEST_FORMAT) throw new Error(`${file}: format is '${String(manifest.format)}', expected '${MANIFEST_FORMAT}'`);
  if (manifest.version !== 1) throw new Error(`${file}: version ${String(manifest.version)} is newer than this Model Lab understands (1)`);
  return manifest;
}

export async function loadBundle(dir: string): Promise<LoadedBundle> {
  const manifest = await readManifest(dir);
  const model = await readLayersModel(dir);
  return { dir, model, manifest };
}
