/**
 * A client we did not write: @google-cloud/aiplatform's PredictionServiceClient, pointed at the local server
 * over REST (HTTP/1.1 JSON, `fallback: true`), with a fixed-token auth client so that nothing leaves the
 * machine (notes/gcs-and-vertex-tests.md §3–§4). Object instances only: google-gax's REST transport turns
 * lists nested in lists into objects, so list-shaped instances are tested with plain HTTP elsewhere.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { helpers, v1 } from '@google-cloud/aiplatform';
import { OAuth2Client } from 'google-auth-library';
import type { StartedServer } from '../../src/runtime/serving/server/startServer';
import { irisBundle, type IrisPrediction, serve, SETOSA, VIRGINICA } from './serveHarness';

process.env.METADATA_SERVER_DETECTION = 'none';
const TOKEN = 'aiplatform-test-token';
let served: StartedServer;
let client: v1.PredictionServiceClient;

before(async () => {
  served = await serve({ folder: await irisBundle(), name: 'iris', token: TOKEN, batching: { maxBatchSize: 16, batchTimeoutMicros: 500 } });
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
  client = new v1.PredictionServiceClient({ apiEndpoint: '127.0.0.1', port: served.server.address.port, protocol: 'http', fallback: true, authClient });
});
after(async () => {
  await client?.close();
  await served?.server.close();
});

const endpoint = 'projects/demo-test/locations/us-central1/endpoints/iris';

test('PredictionServiceClient.predict over REST gets the right predictions and deployed-model fields', async () => {
  const [response] = await client.predict({
    endpoint,
    instances: [helpers.toValue(SETOSA)!, helpers.toValue(VIRGINICA)!],
    parameters: helpers.toValue({ threshold: 0.5 }),
  });
  const predictions = (response.predictions ?? []).map((p) => helpers.fromValue(p as never) as unknown as IrisPrediction);
  assert.deepEqual(predictions.map((p) => p.label), ['setosa', 'virginica']);
  assert.deepEqual(predictions[0].classes, ['setosa', 'versicolor', 'virginica']);
  assert.ok(predictions[0].probabilities[0] > 0.5);
  assert.equal(response.deployedModelId, 'v1');
  assert.equal(response.model, 'projects/demo-test/locations/us-central1/models/iris');
  assert.equal(response.modelDisplayName, 'iris');
  assert.equal(response.modelVersionId, 'v1');
});

test('errors reach the client as Google API errors: a bad instance is INVALID_ARGUMENT naming it, an unknown endpoint NOT_FOUND', async () => {
  await assert.rejects(
    client.predict({ endpoint, instances: [helpers.toValue(SETOSA)!, helpers.toValue({ ...SETOSA, petal_length: 'long' })!] }),
    (err: { code?: number; message?: string }) => err.code === 3 && /instance 1: field 'petal_length'/.test(err.message ?? ''),
  );
  await assert.rejects(
    client.predict({ endpoint: 'projects/demo-test/locations/us-central1/endpoints/missing', instances: [helpers.toValue(SETOSA)!] }),
    (err: { code?: number; message?: string }) => err.code === 5 && /model 'missing' not found/.test(err.message ?? ''),
  );
});

test('the token is checked: a client with another token is UNAUTHENTICATED', async () => {
  const wrong = new OAuth2Client();
  wrong.setCredentials({ access_token: 'not-the-token', expiry_date: Date.now() + 3_600_000 });
  const other = new v1.PredictionServiceClient({ apiEndpoint: '127.0.0.1', port: served.server.address.port, protocol: 'http', fallback: true, authClient: wrong });
  try {
    await assert.rejects(other.predict({ endpoint, instances: [helpers.toValue(SETOSA)!] }), (err: { code?: number }) => err.code === 16);
  } finally {
    await other.close();
  }
});
