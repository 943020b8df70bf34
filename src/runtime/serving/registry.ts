/**
 * The local model registry: Cloud ML Engine's models → versions, on disk under
 * `<workspace>/.modellab/models/`:
 *
 *   <model>/model.json              { name, description, defaultVersion, createTime }
 *   <model>/<version>/version.json  { name, createTime, framework, description, state, origin, link }
 *   <model>/<version>/model/        a copy of the model folder (absent when the version links to `origin`)
 *
 * The model folder sits below the version folder, not beside version.json, so that loaders that
 * recognise a folder by its JSON files never mistake version.json for a model file.
 * Rules follow Cloud ML Engine: names start with a letter and hold letters, digits and underscores
 * (which also keeps every name a safe path segment); the first version of a model becomes its default;
 * the default version cannot be deleted while other versions exist; a model with versions cannot be deleted.
 * Every file is written beside and renamed into place, so a server watching the registry never reads half a file.
 */
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
// modelFiles, not loadModelFolder: recognition reads a few bytes, so the registry stays light enough for
// the VS Code extension host (Models tree, Register as Model Version) to use directly.
import { recogniseModelFolder } from './modelFiles';

export const REGISTRY_DIR = join('.modellab', 'models');
const MODEL_FILE = 'model.json';
const VERSION_FILE = 'version.json';
const VERSION_MODEL_DIR = 'model';
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

export interface ModelRecord {
  name: string;
  description?: string;
  /** Name of the version that `…/models/M:predict` uses. */
  defaultVersion?: string;
  createTime: string;
}

export type VersionState = 'READY' | 'FAILED';

export interface VersionRecord {
  name: string;
  createTime: string;
  /** The loader that recognised the folder at create time (modellab-bundle, onnx, xgboost…). */
  framework: string;
  description?: string;
  state: VersionState;
  /** Absolute path of the folder the version was made from (Cloud ML's deploymentUri). */
  origin: string;
  /** True when the version serves `origin` in place instead of a copy. */
  link: boolean;
}

export interface VersionInfo extends VersionRecord {
  model: string;
  isDefault: boolean;
  /** The folder to load. */
  modelDir: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    /** 'not-found' and 'exists' let callers map to 404 / 409 or to exit codes. */
    readonly kind: 'invalid' | 'not-found' | 'exists' | 'conflict' = 'invalid',
  ) {
    super(message);
  }
}

export function checkName(kind: 'model' | 'version', name: string): void {
  if (!NAME.test(name)) {
    throw new RegistryError(`invalid ${kind} name '${name}': it must start with a letter and hold only letters, digits and underscores (at most 128)`);
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new RegistryError(`${file}: invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const staging = `${file}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(staging, `${JSON.stringify(value, null, 2)}\n`);
  await rename(staging, file);
}

export class ModelRegistry {
  readonly root: string;

  constructor(workspace: string) {
    this.root = resolve(workspace, REGISTRY_DIR);
  }

  private modelDir(model: string): string {
    checkName('model', model);
    return join(this.root, model);
  }

  private versionDir(model: string, version: string): string {
    checkName('version', version);
    return join(this.modelDir(model), version);
  }

  async createModel(name: string, description?: string): Promise<ModelRecord> {
    const dir = this.modelDir(name);
    if (existsSync(join(dir, MODEL_FILE))) throw new RegistryError(`model '${name}' already exists`, 'exists');
    await mkdir(dir, { recursive: true });
    const record: ModelRecord = { name, createTime: new Date().toISOString(), ...(description ? { description } : {}) };
    await writeJsonAtomic(join(dir, MODEL_FILE), record);
    return record;
  }

  async getModel(name: string): Promise<ModelRecord> {
    const record = await readJson<ModelRecord>(join(this.modelDir(name), MODEL_FILE));
    if (!record) throw new RegistryError(`model '${name}' not found in ${this.root}`, 'not-found');
    return record;
  }

  async listModels(): Promise<ModelRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const models: ModelRecord[] = [];
    for (const name of names.sort()) {
      if (!NAME.test(name)) continue;
      const record = await readJson<ModelRecord>(join(this.root, name, MODEL_FILE));
      if (record) models.push(record);
    }
    return models;
  }

  async deleteModel(name: string): Promise<void> {
    await this.getModel(name);
    const versions = await this.listVersions(name);
    if (versions.length > 0) {
      throw new RegistryError(`model '${name}' still has ${versions.length} version(s) (${versions.map((v) => v.name).join(', ')}): delete them first`, 'conflict');
    }
    await rm(this.modelDir(name), { recursive: true, force: true });
  }

  /** Adds a version from a model folder: copied (the default, as Cloud ML copies deploymentUri) or linked. */
  async createVersion(model: string, version: string, origin: string, options: { description?: string; link?: boolean } = {}): Promise<VersionInfo> {
    const record = await this.getModel(model);
    const dir = this.versionDir(model, version);
    if (existsSync(dir)) throw new RegistryError(`version '${version}' of model '${model}' already exists`, 'exists');
    const source = resolve(origin);
    if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw new RegistryError(`--origin ${source} is not a folder`);
    const recognised = recogniseModelFolder(source);
    if (!recognised) throw new RegistryError(`--origin ${source} holds no model Model Lab can serve`);
    const staging = join(this.modelDir(model), `.${version}.partial-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      if (!options.link) await cp(source, join(staging, VERSION_MODEL_DIR), { recursive: true });
      const versionRecord: VersionRecord = {
        name: version,
        createTime: new Date().toISOString(),
        framework: recognised.kind,
        ...(options.description ? { description: options.description } : {}),
        state: 'READY',
        origin: source,
        link: options.link === true,
      };
      await writeFile(join(staging, VERSION_FILE), `${JSON.stringify(versionRecord, null, 2)}\n`);
      await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    // As in Cloud ML Engine, a model's first version becomes its default.
    if (!record.defaultVersion) await writeJsonAtomic(join(this.modelDir(model), MODEL_FILE), { ...record, defaultVersion: version });
    return this.getVersion(model, version);
  }

  async getVersion(model: string, version: string): Promise<VersionInfo> {
    const record = await this.getModel(model);
    const dir = this.versionDir(model, version);
    const v = await readJson<VersionRecord>(join(dir, VERSION_FILE));
    if (!v) throw new RegistryError(`version '${version}' of model '${model}' not found`, 'not-found');
    return { ...v, model, isDefault: record.defaultVersion === version, modelDir: v.link ? v.origin : join(dir, VERSION_MODEL_DIR) };
  }

  async listVersions(model: string): Promise<VersionInfo[]> {
    const record = await this.getModel(model);
    const names = await readdir(this.modelDir(model));
    const versions: VersionInfo[] = [];
    for (const name of names.sort()) {
      if (!NAME.test(name)) continue;
      const dir = join(this.modelDir(model), name);
      const v = await readJson<VersionRecord>(join(dir, VERSION_FILE));
      if (v) versions.push({ ...v, model, isDefault: record.defaultVersion === name, modelDir: v.link ? v.origin : join(dir, VERSION_MODEL_DIR) });
    }
    return versions;
  }

  async setDefaultVersion(model: string, version: string): Promise<ModelRecord> {
    await this.getVersion(model, version);
    const record = { ...(await this.getModel(model)), defaultVersion: version };
    await writeJsonAtomic(join(this.modelDir(model), MODEL_FILE), record);
    return record;
  }

  async deleteVersion(model: string, version: string): Promise<void> {
    const info = await this.getVersion(model, version);
    if (info.isDefault && (await this.listVersions(model)).length > 1) {
      throw new RegistryError(`version '${version}' is the default of model '${model}': set another default first`, 'conflict');
    }
    const record = await this.getModel(model);
    // Move it out of the registry first: a reader never sees a version folder without its files.
    const doomed = join(this.modelDir(model), `.${version}.deleting-${process.pid}`);
    await rename(this.versionDir(model, version), doomed);
    if (record.defaultVersion === version) {
      const { defaultVersion: _gone, ...rest } = record;
      await writeJsonAtomic(join(this.modelDir(model), MODEL_FILE), rest);
    }
    await rm(doomed, { recursive: true, force: true });
  }
}
