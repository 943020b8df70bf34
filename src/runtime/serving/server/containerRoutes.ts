/**
 * The Vertex AI custom-container contract: the predict route (AIP_PREDICT_ROUTE) takes
 * {"instances": [...], "parameters"?} and answers {"predictions": [...]}; the health route
 * (AIP_HEALTH_ROUTE) answers 200 once the model is ready to serve.
 */
import { fileURLToPath } from 'node:url';
import { type Readiness, readinessAnswer } from './healthRoutes';
import { prepareInstances } from './instances';
import { predictAll } from './predict';
import type { Route } from './router';
import type { ServedModels } from './servedModels';

export interface ContainerRoutesOptions {
  predictRoute: string;
  healthRoute: string;
  model: string;
}

const exactly = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

export function containerRoutes(models: ServedModels, readiness: Readiness, options: ContainerRoutesOptions): Route[] {
  return [
    { method: 'GET', pattern: exactly(options.healthRoute), format: 'container', public: true, handle: async () => readinessAnswer(readiness) },
    {
      method: 'POST',
      pattern: exactly(options.predictRoute),
      format: 'container',
      predict: true,
      async handle(ctx) {
        ctx.labels.model = options.model;
        const served = await models.resolve(options.model);
        ctx.labels.version = served.version;
        const body = await ctx.json({ numericInstances: served.engine.acceptsNumericTensors });
        return { body: { predictions: await predictAll(served, prepareInstances(body.instances)) } };
      },
    },
  ];
}

/** Reads the AIP_* variables; undefined when they are not set (not running as a Vertex container). */
export function containerEnv(env: NodeJS.ProcessEnv = process.env):
  | { port: number; predictRoute: string; healthRoute: string; storageUri: string; model: string; version: string }
  | undefined {
  const { AIP_HTTP_PORT, AIP_PREDICT_ROUTE, AIP_HEALTH_ROUTE, AIP_STORAGE_URI } = env;
  if (!AIP_HTTP_PORT && !AIP_PREDICT_ROUTE && !AIP_HEALTH_ROUTE && !AIP_STORAGE_URI) return undefined;
  const missing = Object.entries({ AIP_HTTP_PORT, AIP_PREDICT_ROUTE, AIP_HEALTH_ROUTE, AIP_STORAGE_URI })
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length) throw new Error(`custom-container mode needs AIP_HTTP_PORT, AIP_PREDICT_ROUTE, AIP_HEALTH_ROUTE and AIP_STORAGE_URI; ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`);
  const port = Number(AIP_HTTP_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`AIP_HTTP_PORT '${AIP_HTTP_PORT}' is not a port number`);
  for (const [name, route] of [['AIP_PREDICT_ROUTE', AIP_PREDICT_ROUTE], ['AIP_HEALTH_ROUTE', AIP_HEALTH_ROUTE]] as const) {
    if (!route!.startsWith('/')) throw new Error(`${name} '${route}' must be a path starting with /`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(AIP_STORAGE_URI!) && !AIP_STORAGE_URI!.startsWith('file://')) {
    throw new Error(
      `AIP_STORAGE_URI ${AIP_STORAGE_URI}: only local folders are supported for now (reading gs:// is a later issue); copy the model folder here and set AIP_STORAGE_URI to its path`,
    );
  }
  const storageUri = AIP_STORAGE_URI!.startsWith('file://') ? fileURLToPath(AIP_STORAGE_URI!) : AIP_STORAGE_URI!;
  return {
    port,
    predictRoute: AIP_PREDICT_ROUTE!,
    healthRoute: AIP_HEALTH_ROUTE!,
    storageUri,
    model: env.AIP_ENDPOINT_ID || 'model',
    version: env.AIP_DEPLOYED_MODEL_ID || 'default',
  };
}
