/**
 * Sample instances for "Predict with Sample Instances" and "Open a Test Request": something a model
 * accepts, built from what the folder says about itself. In order: a sample file the folder ships
 * (instances.json…), a bundle's manifest (its raw input fields and the fitted transform's statistics: a
 * typical record), an XGBoost JSON model's feature count, else the served signature (TF Serving
 * metadata) of a running endpoint. vscode-free.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recogniseModelFolder } from '../../runtime/serving/modelFiles';
import { parseInstancesText } from './instancesInput';

/** Files a folder may ship with example instances, tried in this order. */
export const SAMPLE_FILES = ['instances.json', 'instances.jsonl', 'sample_instances.json', 'sample_instances.jsonl', 'sample.json', 'sample.jsonl'];

export interface SampleInstances {
  instances: unknown[];
  /** Where they came from, for the result document. */
  source: string;
}

interface ManifestFeature {
  column: string;
  transform: string;
  fill?: number | string;
  mean?: number;
  min?: number;
  max?: number;
  boundaries?: number[];
  vocabulary?: string[];
}

interface ManifestLike {
  signature?: { rawInputs?: { name: string; type: string }[] };
  transform?: { features?: ManifestFeature[] };
}

/** A typical value of a feature: its training mean / mid-range / median bucket / most frequent term. */
function typicalValue(f: ManifestFeature | undefined, type: string): unknown {
  if (f) {
    if (f.transform === 'zscore' && typeof f.mean === 'number') return round(f.mean);
    if (f.transform === 'minmax' && typeof f.min === 'number' && typeof f.max === 'number') return round((f.min + f.max) / 2);
    if (f.transform === 'quantile' && f.boundaries && f.boundaries.length > 0) return round(f.boundaries[Math.floor(f.boundaries.length / 2)]);
    if (f.transform === 'vocabulary' && f.vocabulary && f.vocabulary.length > 0) return f.vocabulary[0];
    if (f.fill !== undefined && f.fill !== '') return f.fill;
  }
  return type === 'number' || type === 'numeric' || type === 'float' || type === 'int' ? 0 : 'a';
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** One record with every raw input of a bundle, at typical values. */
export function instancesFromManifest(manifest: ManifestLike, file: string): unknown[] {
  const rawInputs = manifest.signature?.rawInputs;
  if (!Array.isArray(rawInputs) || rawInputs.length === 0) throw new Error(`${file}: signature.rawInputs is missing or empty`);
  const features = new Map((manifest.transform?.features ?? []).map((f) => [f.column, f]));
  const record: Record<string, unknown> = {};
  for (const input of rawInputs) record[input.name] = typicalValue(features.get(input.name), input.type);
  return [record];
}

/** TF Serving metadata's signature_def → one instance of zeros (or empty strings) of each input's shape. */
export function instancesFromSignatureDef(metadata: unknown): unknown[] | undefined {
  const def = (metadata as { metadata?: { signature_def?: { signature_def?: { serving_default?: { inputs?: Record<string, TensorInfo> } } } } })?.metadata
    ?.signature_def?.signature_def?.serving_default;
  const inputs = Object.entries(def?.inputs ?? {});
  if (inputs.length === 0) return undefined;
  const values = inputs.map(([name, info]) => [name, zeros(info)] as const);
  if (values.some(([, v]) => v === undefined)) return undefined;
  return [values.length === 1 ? values[0][1] : Object.fromEntries(values)];
}

interface TensorInfo {
  dtype?: string;
  tensor_shape?: { dim?: { size: string | number }[] };
}

function zeros(info: TensorInfo): unknown {
  // The first dimension is the batch; the rest must be known to build an instance.
  const dims = (info.tensor_shape?.dim ?? []).slice(1).map((d) => Number(d.size));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  const leaf = /STRING/i.test(info.dtype ?? '') ? '' : 0;
  const build = (level: number): unknown => (level === dims.length ? leaf : Array.from({ length: dims[level] }, () => build(level + 1)));
  return build(0);
}

/** XGBoost's JSON model names its feature count (learner_model_param.num_feature). */
function instancesFromXGBoostJson(file: string): unknown[] | undefined {
  if (!file.endsWith('.json')) return undefined;
  const model = JSON.parse(readFileSync(file, 'utf8')) as { learner?: { learner_model_param?: { num_feature?: string | number } } };
  const n = Number(model.learner?.learner_model_param?.num_feature);
  return Number.isInteger(n) && n > 0 ? [new Array<number>(n).fill(0)] : undefined;
}

/**
 * Sample instances from the folder alone; undefined when only the served signature can tell (then call
 * `instancesFromSignatureDef` on the endpoint's metadata).
 */
export function sampleInstancesFromFolder(modelDir: string): SampleInstances | undefined {
  for (const name of SAMPLE_FILES) {
    const file = join(modelDir, name);
    if (existsSync(file)) return { instances: parseInstancesText(readFileSync(file, 'utf8'), file), source: file };
  }
  const recognised = recogniseModelFolder(modelDir);
  if (!recognised) throw new Error(`${modelDir} holds no model Model Lab can serve`);
  if (recognised.kind === 'modellab-bundle' && recognised.file) {
    const manifest = JSON.parse(readFileSync(recognised.file, 'utf8')) as ManifestLike;
    return { instances: instancesFromManifest(manifest, recognised.file), source: `${recognised.file} (signature.rawInputs at the transform's typical values)` };
  }
  if (recognised.kind === 'xgboost' && recognised.file) {
    const instances = instancesFromXGBoostJson(recognised.file);
    if (instances) return { instances, source: `${recognised.file} (num_feature zeros)` };
  }
  return undefined;
}
