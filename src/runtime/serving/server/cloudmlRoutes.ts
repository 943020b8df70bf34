/**
 * Cloud ML Engine (AI Platform Prediction) online prediction:
 *   POST /v1/projects/{p}/models/{m}[/versions/{v}]:predict  {"instances": [...], "signature_name"?}
 * → {"predictions": [...]}, or {"error": "..."} for the whole request.
 */
import { HttpError } from './httpError';
import { prepareInstances } from './instances';
import { InstanceFailure, predictAll } from './predict';
import type { Route } from './router';
import type { ServedModels } from './servedModels';

/** Our engines have one signature; as in Cloud ML's get_signature, naming another one is an error. */
export function checkSignature(name: unknown): void {
  if (name === undefined || name === null || name === '' || name === 'serving_default') return;
  throw new HttpError(400, `No signature found for signature key ${JSON.stringify(name)}: the model has only 'serving_default'`);
}

export function cloudmlRoutes(models: ServedModels): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/projects\/([^/]+)\/models\/([^/:]+)(?:\/versions\/([^/:]+))?:predict$/,
      format: 'cloudml',
      predict: true,
      async handle(ctx) {
        const [, model, version] = ctx.params as [string, string, string | undefined];
        ctx.labels.model = model;
        const served = await models.resolve(model, version);
        ctx.labels.version = served.version;
        const body = await ctx.json({ numericInstances: served.engine.acceptsNumericTensors });
        checkSignature(body.signature_name);
        const predictions = await predictAll(served, prepareInstances(body.instances));
        return { body: { predictions } };
      },
    },
  ];
}

/** Cloud ML's error text: PredictionError "message: detail (Error code: n)" behind "Prediction failed: ". */
export function cloudmlErrorMessage(err: HttpError): string {
  if (err instanceof InstanceFailure) return `Prediction failed: Invalid inputs: ${err.message} (Error code: 1)`;
  if (err.status === 500 || err.message.startsWith('Failed to load model')) return `Prediction failed: ${err.message}`;
  return err.message;
}
