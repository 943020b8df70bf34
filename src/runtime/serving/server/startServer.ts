/**
 * What `model-lab serve` starts, as a function the CLI, the tests and the benchmark share: the catalog
 * (one folder, the registry, or the custom container's AIP_STORAGE_URI), the served models with their
 * batching, and the HTTP server, listening.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelEngine } from '../modelEngine';
import type { BatchingOptions } from './batcher';
import { containerEnv } from './containerRoutes';
import { ServerMetrics } from './metrics';
import { type CatalogSource, folderSource, registrySource, ServedModels } from './servedModels';
import { PredictionServer } from './server';

export interface StartServerOptions {
  /** Serve this model folder as `name` / `version`. */
  folder?: string;
  name?: string;
  version?: string;
  /** Serve every model in this workspace's registry, following its changes. */
  registryWorkspace?: string;
  watchIntervalMs?: number;
  host?: string;
  port?: number;
  token?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Undefined: no dynamic batching. */
  batching?: BatchingOptions;
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  /** Environment to read AIP_* from (the custom-container contract). */
  env?: NodeJS.ProcessEnv;
  load?: (dir: string) => Promise<ModelEngine>;
  log?: (line: string) => void;
}

export interface StartedServer {
  server: PredictionServer;
  models: ServedModels;
  url: string;
  mode: 'folder' | 'registry' | 'container';
}

export async function startServer(options: StartServerOptions): Promise<StartedServer> {
  const container = containerEnv(options.env ?? {});
  let source: CatalogSource;
  let mode: StartedServer['mode'];
  let port = options.port ?? 8080;
  if (container) {
    if (options.folder || options.registryWorkspace) throw new Error('AIP_STORAGE_URI names the model to serve in custom-container mode: give no folder and no --registry');
    const dir = resolve(container.storageUri);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`AIP_STORAGE_URI ${container.storageUri} is not a folder`);
    source = folderSource(container.model, container.version, dir);
    port = container.port;
    mode = 'container';
  } else if (options.registryWorkspace !== undefined) {
    if (options.folder) throw new Error('give a model folder or --registry, not both');
    source = registrySource(options.registryWorkspace);
    mode = 'registry';
  } else if (options.folder) {
    const dir = resolve(options.folder);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a folder`);
    source = folderSource(options.name ?? 'model', options.version ?? 'v1', dir);
    mode = 'folder';
  } else {
    throw new Error('nothing to serve: give a model folder, or --registry to serve the models of the registry');
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new Error('TLS needs both --tls-cert and --tls-key');
  const tls = options.tlsCert && options.tlsKey ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : undefined;
  const metrics = new ServerMetrics();
  const models = new ServedModels(source, { batching: options.batching, metrics, load: options.load, log: options.log });
  const server = new PredictionServer(models, {
    // A Vertex AI container must answer on all interfaces (Vertex's frontend calls it from outside).
    host: options.host ?? (container ? '0.0.0.0' : '127.0.0.1'),
    port,
    token: options.token,
    tls,
    maxBodyBytes: options.maxBodyBytes,
    requestTimeoutMs: options.requestTimeoutMs,
    metrics,
    log: options.log,
    container: container ? { predictRoute: container.predictRoute, healthRoute: container.healthRoute, model: container.model } : undefined,
  });
  // Listen first (probes answer "not ready" while loading, as a Vertex container must), then load.
  await server.listen();
  try {
    await models.start();
  } catch (err) {
    await server.close(0);
    throw err;
  }
  if (mode === 'registry') models.watch(options.watchIntervalMs ?? 1000);
  return { server, models, url: server.url, mode };
}
