/**
 * Vertex AI endpoints. Locally an endpoint id names a model (a registry model, or the ad hoc one); the
 * deployed model is its default version.
 *   POST /v1/projects/{p}/locations/{l}/endpoints/{e}:predict     {"instances": [...], "parameters"?}
 *     → {"predictions", "deployedModelId", "model", "modelDisplayName", "modelVersionId"}
 *   POST /v1/projects/{p}/locations/{l}/endpoints/{e}:rawPredict  any body → the container's answer
 *     ({"predictions": [...]}) unchanged, with X-Vertex-AI-Endpoint-Id / X-Vertex-AI-Deployed-Model-Id.
 * Errors use Google's JSON error shape, which the client libraries parse.
 */
import { prepareInstances } from './instances';
import { predictAll } from './predict';
import type { Route } from './router';
import type { ServedModels } from './servedModels';

export function vertexRoutes(models: ServedModels): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/([^/:]+):(predict|rawPredict)$/,
      format: 'vertex',
      predict: true,
      async handle(ctx) {
        const [project, location, endpoint, verb] = ctx.params as string[];
        ctx.labels.model = endpoint;
        const served = await models.resolve(endpoint);
        ctx.labels.version = served.version;
        const body = await ctx.json({ numericInstances: served.engine.acceptsNumericTensors });
        const predictions = await predictAll(served, prepareInstances(body.instances));
        if (verb === 'rawPredict') {
          return { body: { predictions }, headers: { 'X-Vertex-AI-Endpoint-Id': endpoint, 'X-Vertex-AI-Deployed-Model-Id': served.version } };
        }
        return {
          body: {
            predictions,
            deployedModelId: served.version,
            model: `projects/${project}/locations/${location}/models/${served.model}`,
            modelDisplayName: served.model,
            modelVersionId: served.version,
          },
        };
      },
    },
  ];
}
