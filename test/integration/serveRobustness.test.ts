/**
 * Security by default and hostile input: the token off loopback, the payload limit, a corpus of bad
 * bodies, a slow client. Every one gets a 4xx naming the problem (never a stack trace), and the server
 * is still healthy afterwards. Requests only ever go to 127.0.0.1, even when the server binds 0.0.0.0.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { StartedServer } from '../../src/runtime/serving/server/startServer';
import { get, irisBundle, post, serve, SETOSA } from './serveHarness';

const TOKEN = 'test-token-0123456789';
let iris: StartedServer;

before(async () => {
  iris = await serve({ folder: await irisBundle(), name: 'iris', batching: { maxBatchSize: 32, batchTimeoutMicros: 500 }, requestTimeoutMs: 1500 });
});
after(async () => {
  await iris?.server.close();
});

const predictUrl = () => `${iris.url}/v1/projects/demo/models/iris:predict`;

async function assertHealthy(server: StartedServer = iris, headers: Record<string, string> = {}) {
  assert.equal((await get(`${server.url}/healthz`)).status, 200);
  const r = await post(`${server.url}/v1/projects/demo/models/iris:predict`, { instances: [SETOSA] }, headers);
  assert.equal(r.status, 200, r.text);
}

test('any address other than loopback needs a token; with one, requests without it get 401 and probes stay open', async () => {
  await assert.rejects(serve({ folder: await irisBundle(), name: 'iris', host: '0.0.0.0' }), /--token/);
  const open = await serve({ folder: await irisBundle(), name: 'iris', host: '0.0.0.0', token: TOKEN });
  try {
    const url = `http://127.0.0.1:${open.server.address.port}`;
    const local = { ...open, url };
    const none = await post(`${url}/v1/projects/demo/models/iris:predict`, { instances: [SETOSA] });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.match((none.body as { error: string }).error, /bearer token/);
    assert.ok(!none.text.includes(TOKEN));
    const wrong = await post(`${url}/v1/projects/demo/locations/l/endpoints/iris:predict`, { instances: [SETOSA] }, { authorization: `Bearer ${TOKEN}x` });
    assert.equal(wrong.status, 401);
    assert.equal((wrong.body as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
    assert.equal((await get(`${url}/metrics`)).status, 401);
    assert.equal((await get(`${url}/metrics`, { authorization: `Bearer ${TOKEN}` })).status, 200);
    assert.equal((await get(`${url}/readyz`)).status, 200, 'probes carry no token');
    await assertHealthy(local, { authorization: `Bearer ${TOKEN}` });
  } finally {
    await open.server.close();
  }
});

test('payload limit: 413 with the service error shape, by Content-Length and by counting a chunked body', async () => {
  const big = JSON.stringify({ instances: Array.from({ length: 40_000 }, () => SETOSA) }); // ≈ 3.4 MB
  const r = await post(predictUrl(), big);
  assert.equal(r.status, 413);
  assert.deepEqual(r.body, { error: 'Request payload size exceeds the limit: 1572864 bytes.' });
  const vertex = await post(`${iris.url}/v1/projects/demo/locations/l/endpoints/iris:predict`, big);
  assert.equal(vertex.status, 413);
  assert.equal((vertex.body as { error: { code: number } }).error.code, 413);

  // Chunked (no Content-Length): the limit is enforced while reading.
  const chunked = await new Promise<{ status: number; text: string }>((done, fail) => {
    const req = httpRequest(predictUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', fail);
    const piece = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 4 * 1024 * 1024) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  assert.equal(chunked.status, 413);
  assert.match(chunked.text, /exceeds the limit/);

  const tenMegabytes = `{"instances": [${'1,'.repeat(5 * 1024 * 1024 - 1)}1]}`;
  const huge = await post(predictUrl(), tenMegabytes);
  assert.equal(huge.status, 413);
  await assertHealthy();
});

test('bad-input corpus: each answered 4xx with a message naming the problem, and no stack trace', async () => {
  const deep = `{"instances": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
  const corpus: [string, string, RegExp][] = [
    ['truncated JSON', '{"instances": [{"sepal_length": 5.1, "sepal_wid', /malformed JSON/],
    ['empty body', '', /empty/],
    ['not JSON at all', '\u0000\u0001garbage', /malformed JSON/],
    ['a JSON array body', '[1, 2, 3]', /must be a JSON object, got an array/],
    ['null body', 'null', /must be a JSON object, got null/],
    ['no instances', '{"inputs_typo": []}', /no 'instances'/],
    ['instances not a list', '{"instances": "SETOSA"}', /'instances' must be a list, got string/],
    ['empty instances', '{"instances": []}', /'instances' is empty/],
    ['wrong instance type', '{"instances": [5]}', /instance 0: expected an object of named fields, got number 5/],
    ['wrong field type', `{"instances": [${JSON.stringify(SETOSA)}, {"sepal_length": true, "sepal_width": {}, "petal_length": 1, "petal_width": 1}]}`, /instance 1: field 'sepal_width'/],
    ['Infinity as text field', `{"instances": [{"sepal_length": "Infinity", "sepal_width": 1, "petal_length": 1, "petal_width": 1}]}`, /instance 0: field 'sepal_length'/],
    ['huge array of scalars', `{"instances": [${'0,'.repeat(300_000)}0]}`, /instance 0: expected an object/],
    ['deep nesting', deep, /instance 0: nested deeper than 64 levels/],
    ['bad b64', '{"instances": [{"b64": 12}]}', /instance 0: 'b64' must hold base64 text/],
  ];
  for (const [name, body, expected] of corpus) {
    const r = await post(predictUrl(), body);
    assert.ok(r.status >= 400 && r.status < 500, `${name}: status ${r.status} ${r.text.slice(0, 200)}`);
    const error = (r.body as { error?: unknown })?.error;
    assert.equal(typeof error, 'string', `${name}: ${r.text.slice(0, 200)}`);
    assert.match(error as string, expected, name);
    assert.ok(!/\bat .+:\d+:\d+\)?/.test(r.text), `${name}: no stack trace`);
  }
  // NaN is valid input (TF Serving's JSON): a missing value, filled by the transform.
  const nan = await post(predictUrl(), `{"instances": [{"sepal_length": NaN, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}`);
  assert.equal(nan.status, 200, nan.text);
  // Not even HTTP.
  const garbage = await new Promise<string>((done) => {
    const socket = connect(iris.server.address.port, '127.0.0.1', () => socket.end('THIS IS NOT HTTP\r\n\r\n'));
    let text = '';
    socket.setEncoding('utf8').on('data', (c: string) => (text += c));
    socket.on('close', () => done(text));
    socket.on('error', () => done(text));
  });
  assert.match(garbage, /^HTTP\/1\.1 400/);
  await assertHealthy();
});

test('a slow client is cut off by the request timeout while others are served', async () => {
  const started = Date.now();
  const slow = new Promise<{ text: string; ms: number }>((done) => {
    const socket = connect(iris.server.address.port, '127.0.0.1', () => {
      socket.write(`POST /v1/projects/demo/models/iris:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"instances": [`);
      // …and then nothing more, but keep the connection open.
    });
    let text = '';
    socket.setEncoding('utf8').on('data', (c: string) => (text += c));
    socket.on('close', () => done({ text, ms: Date.now() - started }));
    socket.on('error', () => undefined);
  });
  await assertHealthy();
  const { text, ms } = await slow;
  assert.ok(ms < 6000, `cut off after ${ms} ms`);
  assert.ok(text === '' || /^HTTP\/1\.1 (408|400)/.test(text), text.slice(0, 100));
  await assertHealthy();
});
