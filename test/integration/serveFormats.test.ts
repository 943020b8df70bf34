/**
 * Each wire format with a plain fetch client against `model-lab serve`'s server: Cloud ML Engine, Vertex AI,
 * TF Serving REST (row and columnar, status, metadata), probes and metrics, and the error shapes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StartedServer } from '../../src/runtime/serving/server/startServer';
import { echoEngine, get, irisBundle, type IrisPrediction, post, serve, SETOSA, VIRGINICA } from './serveHarness';

let iris: StartedServer;
let echo: StartedServer;

before(async () => {
  iris = await serve({ folder: await irisBundle(), name: 'iris', batching: { maxBatchSize: 32, batchTimeoutMicros: 500 } });
  echo = await serve({ folder: await irisBundle(), name: 'echo', load: async () => echoEngine() });
});
after(async () => {
  await iris?.server.close();
  await echo?.server.close();
});

function assertIris(predictions: unknown, labels: string[]) {
  const list = predictions as IrisPrediction[];
  assert.deepEqual(list.map((p) => p.label), labels);
  for (const p of list) {
    assert.deepEqual(p.classes, ['setosa', 'versicolor', 'virginica']);
    assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
}

test('Cloud ML Engine :predict, default and named version; signature_name serving_default accepted', async () => {
  const r = await post(`${iris.url}/v1/projects/demo/models/iris:predict`, { instances: [SETOSA, VIRGINICA] });
  assert.equal(r.status, 200, r.text);
  assertIris((r.body as { predictions: unknown }).predictions, ['setosa', 'virginica']);
  const v = await post(`${iris.url}/v1/projects/demo/models/iris/versions/v1:predict`, { instances: [VIRGINICA], signature_name: 'serving_default' });
  assert.equal(v.status, 200, v.text);
  assertIris((v.body as { predictions: unknown }).predictions, ['virginica']);
});

test('Cloud ML Engine: one failing instance fails the request with one {"error": string} naming its index', async () => {
  const r = await post(`${iris.url}/v1/projects/demo/models/iris:predict`, { instances: [SETOSA, SETOSA, { ...SETOSA, petal_width: 'wide' }] });
  assert.equal(r.status, 400);
  const body = r.body as { error: string; predictions?: unknown };
  assert.equal(typeof body.error, 'string');
  assert.equal(body.predictions, undefined);
  assert.match(body.error, /^Prediction failed: Invalid inputs: instance 2: field 'petal_width': .*got string 'wide' \(Error code: 1\)$/);
  const missing = await post(`${iris.url}/v1/projects/demo/models/iris:predict`, { instances: [{ sepal_length: 1 }] });
  assert.match((missing.body as { error: string }).error, /instance 0: .*missing/);
  const sig = await post(`${iris.url}/v1/projects/demo/models/iris:predict`, { instances: [SETOSA], signature_name: 'other' });
  assert.equal(sig.status, 400);
  assert.match((sig.body as { error: string }).error, /No signature found for signature key "other"/);
});

test('unknown model or version: 404 naming it and what exists, in each format\'s error shape', async () => {
  const cloud = await post(`${iris.url}/v1/projects/demo/models/nope:predict`, { instances: [SETOSA] });
  assert.equal(cloud.status, 404);
  assert.match((cloud.body as { error: string }).error, /model 'nope' not found \(served models: iris\)/);
  const version = await post(`${iris.url}/v1/projects/demo/models/iris/versions/v9:predict`, { instances: [SETOSA] });
  assert.equal(version.status, 404);
  assert.match((version.body as { error: string }).error, /version 'v9' of model 'iris' not found \(versions: v1\)/);
  const vertex = await post(`${iris.url}/v1/projects/demo/locations/us-central1/endpoints/nope:predict`, { instances: [SETOSA] });
  assert.equal(vertex.status, 404);
  assert.deepEqual(Object.keys((vertex.body as { error: object }).error).sort(), ['code', 'message', 'status']);
  assert.equal((vertex.body as { error: { status: string } }).error.status, 'NOT_FOUND');
  const tfs = await get(`${iris.url}/v1/models/iris/versions/v9`);
  assert.equal(tfs.status, 404);
  const route = await get(`${iris.url}/v2/nothing`);
  assert.equal(route.status, 404);
  const method = await get(`${iris.url}/v1/models/iris:predict`);
  assert.equal(method.status, 405);
  assert.equal(method.headers.get('allow'), 'POST');
});

test('Vertex AI :predict answers predictions with deployedModelId, model, modelDisplayName, modelVersionId', async () => {
  const r = await post(`${iris.url}/v1/projects/demo/locations/us-central1/endpoints/iris:predict`, { instances: [SETOSA], parameters: { confidenceThreshold: 0.5 } });
  assert.equal(r.status, 200, r.text);
  const body = r.body as Record<string, unknown>;
  assertIris(body.predictions, ['setosa']);
  assert.equal(body.deployedModelId, 'v1');
  assert.equal(body.model, 'projects/demo/locations/us-central1/models/iris');
  assert.equal(body.modelDisplayName, 'iris');
  assert.equal(body.modelVersionId, 'v1');
  const bad = await post(`${iris.url}/v1/projects/demo/locations/us-central1/endpoints/iris:predict`, { instances: [SETOSA, { ...SETOSA, sepal_width: [1] }] });
  assert.equal(bad.status, 400);
  const err = (bad.body as { error: { code: number; message: string; status: string } }).error;
  assert.equal(err.code, 400);
  assert.equal(err.status, 'INVALID_ARGUMENT');
  assert.match(err.message, /^instance 1: field 'sepal_width'/);
});

test('Vertex AI :rawPredict returns the container answer with the endpoint and deployed-model headers', async () => {
  const r = await post(`${iris.url}/v1/projects/demo/locations/us-central1/endpoints/iris:rawPredict`, { instances: [VIRGINICA] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body as object), ['predictions']);
  assertIris((r.body as { predictions: unknown }).predictions, ['virginica']);
  assert.equal(r.headers.get('x-vertex-ai-endpoint-id'), 'iris');
  assert.equal(r.headers.get('x-vertex-ai-deployed-model-id'), 'v1');
});

test('TF Serving REST: row and columnar predict, status and metadata', async () => {
  const row = await post(`${iris.url}/v1/models/iris:predict`, { instances: [SETOSA, VIRGINICA] });
  assert.equal(row.status, 200, row.text);
  assertIris((row.body as { predictions: unknown }).predictions, ['setosa', 'virginica']);
  const columns = Object.fromEntries(Object.keys(SETOSA).map((k) => [k, [SETOSA[k as keyof typeof SETOSA], VIRGINICA[k as keyof typeof VIRGINICA]]]));
  const col = await post(`${iris.url}/v1/models/iris/versions/v1:predict`, { inputs: columns });
  assert.equal(col.status, 200, col.text);
  const outputs = (col.body as { outputs: { label: string[]; probabilities: number[][] } }).outputs;
  assert.deepEqual(outputs.label, ['setosa', 'virginica']);
  assert.equal(outputs.probabilities.length, 2);
  const both = await post(`${iris.url}/v1/models/iris:predict`, { instances: [SETOSA], inputs: columns });
  assert.equal(both.status, 400);
  assert.match((both.body as { error: string }).error, /both 'instances' and 'inputs'/);
  const ragged = await post(`${iris.url}/v1/models/iris:predict`, { inputs: { ...columns, petal_width: [1] } });
  assert.equal(ragged.status, 400);

  const status = await get(`${iris.url}/v1/models/iris`);
  assert.deepEqual(status.body, { model_version_status: [{ version: 'v1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });
  const meta = await get(`${iris.url}/v1/models/iris/versions/v1/metadata`);
  assert.equal(meta.status, 200);
  const m = meta.body as { model_spec: { name: string; version: string }; metadata: { signature_def: { signature_def: Record<string, { inputs: object; method_name: string }> } } };
  assert.deepEqual(m.model_spec, { name: 'iris', signature_name: '', version: 'v1' });
  const sig = m.metadata.signature_def.signature_def.serving_default;
  assert.equal(sig.method_name, 'tensorflow/serving/predict');
  assert.equal(Object.keys(sig.inputs).length, 1);
});

test('b64 values are decoded to bytes before the model sees them; NaN is accepted', async () => {
  const r = await post(`${echo.url}/v1/projects/demo/models/echo:predict`, '{"instances": [{"b64": "AAEC"}, {"img": {"b64": "/w=="}}, NaN]}');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((r.body as { predictions: unknown[] }).predictions, [{ echo: { bytes: [0, 1, 2] } }, { echo: { img: { type: 'Buffer', data: [255] } } }, { echo: null }]);
});

test('probes and metrics', async () => {
  assert.equal((await get(`${iris.url}/healthz`)).status, 200);
  assert.equal((await get(`${iris.url}/readyz`)).status, 200);
  assert.equal((await get(`${iris.url}/v2/health/live`)).status, 200);
  assert.equal((await get(`${iris.url}/v2/health/ready`)).status, 200);
  const metrics = await get(`${iris.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
  assert.match(metrics.text, /^modellab_requests_total\{code="200",format="cloudml",model="iris",version="v1"\} \d+$/m);
  assert.match(metrics.text, /^modellab_errors_total\{kind="invalid_input",model="iris"\} \d+$/m);
  assert.match(metrics.text, /^modellab_request_duration_seconds_count\{format="vertex",model="iris"\} \d+$/m);
  assert.match(metrics.text, /^modellab_batch_size_count\{model="iris",version="v1"\} \d+$/m);
});
