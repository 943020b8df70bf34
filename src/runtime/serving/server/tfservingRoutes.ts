/**
 * TensorFlow Serving's REST API:
 *   POST /v1/models/{m}[/versions/{v}]:predict   row {"instances"} → {"predictions"}; columnar {"inputs"} → {"outputs"}
 *   GET  /v1/models/{m}[/versions/{v}]           {"model_version_status": [...]}
 *   GET  /v1/models/{m}[/versions/{v}]/metadata  {"model_spec", "metadata": {"signature_def": ...}}
 */
import type { EngineSignature, SignatureTensor } from '../modelEngine';
import { checkSignature } from './cloudmlRoutes';
import { HttpError } from './httpError';
import { columnsFromRows, prepareInstances, rowsFromColumns } from './instances';
import { predictAll } from './predict';
import type { Route } from './router';
import type { ServedModels } from './servedModels';

const DTYPES: Record<string, string> = { float32: 'DT_FLOAT', float64: 'DT_DOUBLE', int32: 'DT_INT32', int64: 'DT_INT64', string: 'DT_STRING', bool: 'DT_BOOL' };

function tensorInfo(t: SignatureTensor) {
  return { dtype: DTYPES[t.dtype] ?? `DT_${t.dtype.toUpperCase()}`, tensor_shape: { dim: t.shape.map((d) => ({ size: String(d), name: '' })), unknown_rank: false }, name: t.name };
}

export function signatureDef(signature: EngineSignature) {
  return {
    inputs: Object.fromEntries(signature.inputs.map((t) => [t.name, tensorInfo(t)])),
    outputs: Object.fromEntries(signature.outputs.map((t) => [t.name, tensorInfo(t)])),
    method_name: 'tensorflow/serving/predict',
  };
}

export function tfservingRoutes(models: ServedModels): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?:predict$/,
      format: 'tfserving',
      predict: true,
      async handle(ctx) {
        const [model, version] = ctx.params as [string, string | undefined];
        ctx.labels.model = model;
        const served = await models.resolve(model, version);
        ctx.labels.version = served.version;
        const body = await ctx.json({ numericInstances: served.engine.acceptsNumericTensors });
        checkSignature(body.signature_name);
        if (body.instances !== undefined && body.inputs !== undefined) throw new HttpError(400, "the request has both 'instances' and 'inputs': use one of the two forms");
        if (body.inputs !== undefined) {
          const predictions = await predictAll(served, rowsFromColumns(body.inputs));
          return { body: { outputs: columnsFromRows(predictions) } };
        }
        if (body.instances === undefined) throw new HttpError(400, "the request has neither 'instances' (row form) nor 'inputs' (columnar form)");
        return { body: { predictions: await predictAll(served, prepareInstances(body.instances)) } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?$/,
      format: 'tfserving',
      async handle(ctx) {
        const [model, version] = ctx.params as [string, string | undefined];
        const states = models.status(model, version);
        return {
          body: {
            model_version_status: states.map((s) => ({
              version: s.version,
              state: s.state,
              status: { error_code: s.error ? 'UNKNOWN' : 'OK', error_message: s.error ?? '' },
            })),
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?\/metadata$/,
      format: 'tfserving',
      async handle(ctx) {
        const [model, version] = ctx.params as [string, string | undefined];
        const served = await models.resolve(model, version);
        const { framework, runtime, signature } = served.engine;
        return {
          body: {
            model_spec: { name: served.model, signature_name: '', version: served.version },
            metadata: { signature_def: { signature_def: { serving_default: signatureDef(signature) } } },
            // Not in TF Serving's answer: what Model Lab knows besides, for people reading it.
            modellab: { framework, runtime, rawInputs: signature.rawInputs },
          },
        };
      },
    },
  ];
}
