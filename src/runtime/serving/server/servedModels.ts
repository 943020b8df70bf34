/**
 * The models and versions one server answers for, and their engines. A catalog (from the registry, or
 * one ad hoc folder) says which versions exist and which is each model's default; engines are loaded
 * on first use, except defaults, which are loaded before they become the default.
 *
 * Hot swap: `refresh()` re-reads the catalog and, for a model whose default changed, loads the new
 * default first and only then switches to it. Requests already routed keep their engine; a version gone
 * from the catalog is closed once its queue has drained. No request is dropped by a swap.
 */
import { loadModelFolder } from '../loadModelFolder';
import type { ModelEngine, PredictOutcome } from '../modelEngine';
import { ModelRegistry } from '../registry';
import { Batcher, type BatchingOptions } from './batcher';
import { HttpError } from './httpError';
import type { ServerMetrics } from './metrics';

export interface CatalogVersion {
  modelDir: string;
  framework?: string;
  createTime?: string;
}

export interface CatalogModel {
  defaultVersion?: string;
  versions: Map<string, CatalogVersion>;
}

export type Catalog = Map<string, CatalogModel>;

export interface CatalogSource {
  read(): Promise<Catalog>;
  /** For messages: where the models come from. */
  readonly description: string;
}

/** One folder served as `<model>` version `<version>`: `model-lab serve <folder>` and the custom container. */
export function folderSource(model: string, version: string, modelDir: string): CatalogSource {
  return {
    description: modelDir,
    async read() {
      return new Map([[model, { defaultVersion: version, versions: new Map([[version, { modelDir }]]) }]]);
    },
  };
}

export function registrySource(workspace: string): CatalogSource {
  const registry = new ModelRegistry(workspace);
  return {
    description: registry.root,
    async read() {
      const catalog: Catalog = new Map();
      for (const model of await registry.listModels()) {
        const versions = new Map<string, CatalogVersion>();
        for (const v of await registry.listVersions(model.name).catch(() => [])) {
          if (v.state === 'READY') versions.set(v.name, { modelDir: v.modelDir, framework: v.framework, createTime: v.createTime });
        }
        catalog.set(model.name, { defaultVersion: model.defaultVersion, versions });
      }
      return catalog;
    },
  };
}

export class ServedVersion {
  private readonly batcher?: Batcher;

  constructor(
    readonly model: string,
    readonly version: string,
    readonly engine: ModelEngine,
    batching: BatchingOptions | undefined,
    private readonly metrics: ServerMetrics,
  ) {
    const labels = { model, version };
    if (batching) this.batcher = new Batcher((instances) => engine.predict(instances), batching, (n) => metrics.batchSize.observe(labels, n));
  }

  predict(instances: unknown[]): Promise<PredictOutcome[]> {
    if (this.batcher) return this.batcher.submit(instances);
    this.metrics.batchSize.observe({ model: this.model, version: this.version }, instances.length);
    return this.engine.predict(instances);
  }

  async close(): Promise<void> {
    await this.batcher?.drain();
    await this.engine.close();
  }
}

interface Slot {
  key: string;
  loading: Promise<ServedVersion>;
  loaded?: ServedVersion;
  error?: string;
}

export interface ServedModelsOptions {
  batching?: BatchingOptions;
  metrics: ServerMetrics;
  /** Loads a model folder (tests inject engines). */
  load?: (dir: string) => Promise<ModelEngine>;
  log?: (line: string) => void;
}

export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNAVAILABLE';

export class ServedModels {
  private catalog: Catalog = new Map();
  private readonly slots = new Map<string, Slot>();
  private refreshing: Promise<void> | undefined;
  private watcher: NodeJS.Timeout | undefined;
  private started = false;
  private lastRefresh = 0;

  constructor(
    readonly source: CatalogSource,
    private readonly options: ServedModelsOptions,
  ) {}

  /** Reads the catalog and loads every default version; fails if one cannot be loaded. */
  async start(): Promise<void> {
    this.catalog = await this.source.read();
    await Promise.all([...this.catalog].filter(([, m]) => m.defaultVersion).map(([name, m]) => this.slotFor(name, m.defaultVersion!).loading));
    this.started = true;
  }

  get ready(): boolean {
    return this.started;
  }

  models(): string[] {
    return [...this.catalog.keys()];
  }

  /** Polls the catalog (the registry's files) so that `versions set-default` takes effect while serving. */
  watch(intervalMs: number): void {
    this.watcher = setInterval(() => {
      this.refresh().catch((err: unknown) => this.options.log?.(`registry refresh failed: ${err instanceof Error ? err.message : String(err)}`));
    }, intervalMs);
    this.watcher.unref();
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    this.lastRefresh = performance.now();
    const next = await this.source.read();
    for (const [name, model] of next) {
      const before = this.catalog.get(name);
      const target = model.defaultVersion;
      if (!target || !model.versions.has(target)) continue;
      const same = before?.defaultVersion === target && slotKey(name, target, before.versions.get(target)) === slotKey(name, target, model.versions.get(target));
      if (same) continue;
      try {
        // Load before switching, so that requests never wait on (or fail with) the new default.
        await this.slotFor(name, target, model.versions.get(target)).loading;
        this.options.log?.(`model ${name}: default version is now ${target}`);
      } catch (err) {
        this.options.log?.(`model ${name}: keeping default ${before?.defaultVersion ?? '(none)'}: version ${target} failed to load: ${err instanceof Error ? err.message : String(err)}`);
        const previous = before?.defaultVersion;
        model.defaultVersion = previous !== undefined && model.versions.has(previous) ? previous : undefined;
      }
    }
    this.catalog = next;
    // Versions gone from the catalog (or replaced by a new folder of the same name): close when drained.
    const live = new Set<string>();
    for (const [name, model] of next) for (const [v, entry] of model.versions) live.add(slotKey(name, v, entry));
    for (const [key, slot] of this.slots) {
      if (live.has(key)) continue;
      this.slots.delete(key);
      slot.loading.then((s) => s.close()).catch(() => undefined);
    }
  }

  private slotFor(model: string, version: string, entry = this.catalog.get(model)?.versions.get(version)): Slot {
    if (!entry) throw new HttpError(404, `version '${version}' of model '${model}' not found`);
    const key = slotKey(model, version, entry);
    let slot = this.slots.get(key);
    if (slot) return slot;
    const load = this.options.load ?? loadModelFolder;
    const created: Slot = {
      key,
      loading: load(entry.modelDir).then((engine) => {
        const served = new ServedVersion(model, version, engine, this.options.batching, this.options.metrics);
        created.loaded = served;
        return served;
      }),
    };
    created.loading.catch((err: unknown) => {
      // Forget the failure so that a later request (after the folder is fixed) tries again.
      created.error = err instanceof Error ? err.message : String(err);
      if (this.slots.get(key) === created) this.slots.delete(key);
    });
    this.slots.set(key, created);
    slot = created;
    return slot;
  }

  /** The version a request names, or the model's default. Unknown names are 404s that list what exists. */
  async resolve(model: string, version?: string): Promise<ServedVersion> {
    let entry = this.catalog.get(model);
    if ((!entry || (version !== undefined && !entry.versions.has(version))) && performance.now() - this.lastRefresh > 250) {
      // It may have been created since the last look (at most one look per 250 ms, so that requests for
      // names that do not exist cannot keep the server reading the registry).
      await this.refresh().catch(() => undefined);
      entry = this.catalog.get(model);
    }
    if (!entry) {
      const known = this.models();
      throw new HttpError(404, `model '${model}' not found${known.length ? ` (served models: ${known.join(', ')})` : ' (no models are served)'}`);
    }
    const name = version ?? entry.defaultVersion;
    if (!name) throw new HttpError(404, `model '${model}' has no default version: name one, or set one with 'model-lab versions set-default'`);
    if (!entry.versions.has(name)) {
      throw new HttpError(404, `version '${name}' of model '${model}' not found (versions: ${[...entry.versions.keys()].join(', ') || 'none'})`);
    }
    try {
      return await this.slotFor(model, name, entry.versions.get(name)).loading;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      // Cloud ML's PredictionError code 0.
      throw new HttpError(503, `Failed to load model: ${err instanceof Error ? err.message : String(err)} (Error code: 0)`);
    }
  }

  /** TF Serving's model status: every version of the model, or the one named. */
  status(model: string, version?: string): { version: string; state: VersionState; error?: string }[] {
    const entry = this.catalog.get(model);
    if (!entry) throw new HttpError(404, `Servable not found for request: model '${model}'`);
    const names = version !== undefined ? [version] : [...entry.versions.keys()];
    return names.map((v) => {
      const e = entry.versions.get(v);
      if (!e) throw new HttpError(404, `Servable not found for request: Specific(${model}, ${v})`);
      const slot = this.slots.get(slotKey(model, v, e));
      if (!slot) return { version: v, state: 'START' };
      if (slot.loaded) return { version: v, state: 'AVAILABLE' };
      if (slot.error) return { version: v, state: 'UNAVAILABLE', error: slot.error };
      return { version: v, state: 'LOADING' };
    });
  }

  defaultVersionOf(model: string): string | undefined {
    return this.catalog.get(model)?.defaultVersion;
  }

  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    await this.refreshing?.catch(() => undefined);
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((s) => s.loading.then((v) => v.close()).catch(() => undefined)));
  }
}

function slotKey(model: string, version: string, entry: CatalogVersion | undefined): string {
  return `${model}\u0000${version}\u0000${entry?.modelDir ?? ''}\u0000${entry?.createTime ?? ''}`;
}
