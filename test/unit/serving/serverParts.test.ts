/** The small pieces of the prediction server: JSON with TF Serving's extensions, instances, auth, metrics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BearerCheck, checkBindSecurity, isLoopback } from '../../../src/runtime/serving/server/auth';
import { containerEnv } from '../../../src/runtime/serving/server/containerRoutes';
import { HttpError } from '../../../src/runtime/serving/server/httpError';
import { columnsFromRows, MAX_DEPTH, prepareInstances, rowsFromColumns } from '../../../src/runtime/serving/server/instances';
import { parseJson } from '../../../src/runtime/serving/server/jsonBody';
import { ServerMetrics } from '../../../src/runtime/serving/server/metrics';
import { matchRoute, type Route } from '../../../src/runtime/serving/server/router';

function httpError(fn: () => unknown, status: number, pattern: RegExp) {
  assert.throws(fn, (err: unknown) => err instanceof HttpError && err.status === status && pattern.test(err.message));
}

test('JSON: NaN and ±Infinity outside strings are numbers; inside strings they stay text; errors say malformed', () => {
  const v = parseJson('{"a":[NaN, Infinity, -Infinity, 1], "s":"NaN and Infinity", "t":"a\\"NaN"}') as Record<string, unknown>;
  assert.ok(Number.isNaN((v.a as number[])[0]));
  assert.deepEqual((v.a as number[]).slice(1), [Infinity, -Infinity, 1]);
  assert.equal(v.s, 'NaN and Infinity');
  assert.equal(v.t, 'a"NaN');
  httpError(() => parseJson('{"instances": [1, 2'), 400, /^malformed JSON/);
  httpError(() => parseJson('{"x": NaNa}'), 400, /^malformed JSON/);
  httpError(() => parseJson('   '), 400, /empty/);
  assert.deepEqual(parseJson('\ufeff{"a":1}'), { a: 1 });
});

test('instances: must be a non-empty list; b64 decoded recursively; deep nesting refused with the index', () => {
  httpError(() => prepareInstances(undefined), 400, /no 'instances'/);
  httpError(() => prepareInstances({}), 400, /must be a list/);
  httpError(() => prepareInstances([]), 400, /empty/);
  const [decoded] = prepareInstances([{ image: { b64: Buffer.from('hi').toString('base64') }, list: [{ b64: 'AQI=' }], keep: { b64: 'x', other: 1 } }]) as Record<string, unknown>[];
  assert.deepEqual(decoded.image, Buffer.from('hi'));
  assert.deepEqual((decoded.list as Buffer[])[0], Buffer.from([1, 2]));
  assert.deepEqual(decoded.keep, { b64: 'x', other: 1 });
  httpError(() => prepareInstances([1, { b64: '%%%' }]), 400, /^instance 1: 'b64'/);
  let deep: unknown = 1;
  for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
  httpError(() => prepareInstances([1, 2, deep]), 400, /^instance 2: nested deeper/);
  let veryDeep: unknown = 1;
  for (let i = 0; i < 200_000; i++) veryDeep = [veryDeep];
  httpError(() => prepareInstances([veryDeep]), 400, /nested deeper/);
});

test('TF Serving columnar form: rows from columns and back', () => {
  assert.deepEqual(rowsFromColumns({ a: [1, 2], b: ['x', 'y'] }), [{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
  assert.deepEqual(rowsFromColumns([[1, 2], [3, 4]]), [[1, 2], [3, 4]]);
  httpError(() => rowsFromColumns({ a: [1, 2], b: [1] }), 400, /'b' has 1 rows but 'a' has 2/);
  httpError(() => rowsFromColumns({ a: 1 }), 400, /'a' must be a list/);
  assert.deepEqual(columnsFromRows([{ p: 1, q: 2 }, { p: 3, q: 4 }]), { p: [1, 3], q: [2, 4] });
  assert.deepEqual(columnsFromRows([{ p: 1 }, { p: 3 }]), [1, 3]);
  assert.deepEqual(columnsFromRows([1, 2]), [1, 2]);
});

test('binding: loopback needs nothing; any other address needs a token or TLS', () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('127.1.2.3'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.2') && !isLoopback('::'));
  assert.doesNotThrow(() => checkBindSecurity('127.0.0.1', { tls: false }));
  assert.throws(() => checkBindSecurity('0.0.0.0', { tls: false }), /--token/);
  assert.doesNotThrow(() => checkBindSecurity('0.0.0.0', { token: 's3cret', tls: false }));
  assert.doesNotThrow(() => checkBindSecurity('0.0.0.0', { tls: true }));
  // A Vertex AI custom container: Vertex authenticates in front of it and sends no token.
  assert.doesNotThrow(() => checkBindSecurity('0.0.0.0', { tls: false, vertexContainer: true }));
  assert.throws(() => checkBindSecurity('0.0.0.0', { tls: false, vertexContainer: false }), /--token/);
});

test('bearer check: only the exact token passes', () => {
  const check = new BearerCheck('s3cret-token');
  assert.ok(check.allows('Bearer s3cret-token'));
  assert.ok(check.allows('bearer s3cret-token'));
  assert.ok(!check.allows(undefined));
  assert.ok(!check.allows('Bearer s3cret-toke'));
  assert.ok(!check.allows('Bearer s3cret-token2'));
  assert.ok(!check.allows('Basic s3cret-token'));
  assert.ok(!check.allows('Bearer '));
});

test('router: path parameters decoded, optional groups undefined, 405 lists the allowed method', () => {
  const route: Route = { method: 'POST', pattern: /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+))?:predict$/, format: 'tfserving', handle: async () => ({ body: {} }) };
  assert.deepEqual(matchRoute([route], 'POST', '/v1/models/m%20x:predict'), { route, params: ['m x', undefined] });
  assert.deepEqual(matchRoute([route], 'GET', '/v1/models/m:predict'), { allowed: ['POST'] });
  assert.equal(matchRoute([route], 'POST', '/v1/models/m'), undefined);
});

test('metrics: Prometheus text with counters and cumulative histogram buckets', () => {
  const m = new ServerMetrics();
  m.requests.inc({ model: 'iris', version: 'v1', format: 'cloudml', code: '200' });
  m.batchSize.observe({ model: 'iris', version: 'v1' }, 3);
  m.batchSize.observe({ model: 'iris', version: 'v1' }, 40);
  const text = m.render();
  assert.match(text, /^modellab_requests_total\{code="200",format="cloudml",model="iris",version="v1"\} 1$/m);
  assert.match(text, /^modellab_batch_size_bucket\{model="iris",version="v1",le="4"\} 1$/m);
  assert.match(text, /^modellab_batch_size_bucket\{model="iris",version="v1",le="64"\} 2$/m);
  assert.match(text, /^modellab_batch_size_bucket\{model="iris",version="v1",le="\+Inf"\} 2$/m);
  assert.match(text, /^modellab_batch_size_sum\{model="iris",version="v1"\} 43$/m);
  assert.match(text, /^# TYPE modellab_request_duration_seconds histogram$/m);
});

test('custom-container env: all four variables needed; gs:// is a clear error for now', () => {
  assert.equal(containerEnv({}), undefined);
  assert.throws(() => containerEnv({ AIP_HTTP_PORT: '8080' }), /AIP_PREDICT_ROUTE, AIP_HEALTH_ROUTE, AIP_STORAGE_URI are not set/);
  const env = { AIP_HTTP_PORT: '8080', AIP_PREDICT_ROUTE: '/predict', AIP_HEALTH_ROUTE: '/health' };
  assert.throws(() => containerEnv({ ...env, AIP_STORAGE_URI: 'gs://bucket/model' }), /gs:\/\/ is a later issue/);
  assert.equal(containerEnv({ ...env, AIP_STORAGE_URI: 'file:///tmp/m' })?.storageUri, '/tmp/m');
  assert.equal(containerEnv({ ...env, AIP_STORAGE_URI: '/tmp/m', AIP_ENDPOINT_ID: 'e1' })?.model, 'e1');
  assert.throws(() => containerEnv({ ...env, AIP_HTTP_PORT: 'x', AIP_STORAGE_URI: '/m' }), /not a port/);
});
