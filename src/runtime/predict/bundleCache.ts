/**
 * Keeps loaded bundles in memory between prediction requests, reloading one when its files change.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureBackend } from '../backend/selectBackend';
import { type LoadedBundle, loadBundle } from '../bundle/bundle';
import { MANIFEST_FILE } from '../bundle/manifest';
import type { RawRecord } from '../data/records';
import { type Prediction, predictRecords } from './predictRecords';

const cache = new Map<string, { bundle: LoadedBundle; mtimeMs: number }>();
let backendReady: Promise<unknown> | undefined;

export async function getBundle(modelDir: string): Promise<LoadedBundle> {
  const dir = resolve(modelDir);
  const mtimeMs = statSync(join(dir, MANIFEST_FILE), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const hit = cache.get(dir);
  if (hit && hit.mtimeMs === mtimeMs) return hit.bundle;
  backendReady ??= ensureBackend();
  await backendReady;
  const bundle = await loadBundle(dir);
  hit?.bundle.model.dispose();
  cache.set(dir, { bundle, mtimeMs });
  return bundle;
}

export async function predictWithBundle(modelDir: string, instances: Record<string, unknown>[]): Promise<Prediction[]> {
  if (!Array.isArray(instances)) throw new Error('instances must be an array of objects');
  const bundle = await getBundle(modelDir);
  return predictRecords(bundle, instances as RawRecord[]);
}
