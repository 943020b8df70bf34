/**
 * The command line: `model-lab models …` / `versions …` (gcloud ai-platform's verbs) and `model-lab serve`
 * as a Vertex AI custom container (AIP_* variables), plus its refusals. Requests only go to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { before, test } from 'node:test';
import { CLI, requireBuild, runCli, tempWorkspace } from './cliHarness';
import { get, irisBundle, type IrisPrediction, post, SETOSA } from './serveHarness';

let bundle: string;
before(async () => {
  requireBuild();
  bundle = await irisBundle();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function startServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, out, exited };
}

async function waitFor(check: () => Promise<boolean>, child: ChildProcess, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error('the server exited');
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

test('models and versions verbs: create, list, set-default, delete, with Cloud ML rules and exit codes', async () => {
  const ws = tempWorkspace('ml-registry-cli-');
  const cli = (...args: string[]) => runCli([...args, '--workspace', ws]);
  assert.equal((await cli('models', 'create', 'iris', '--description', 'flowers')).code, 0);
  const bad = await cli('models', 'create', '9lives');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid model name '9lives'/);
  const v1 = await cli('versions', 'create', 'iris', 'v1', '--origin', bundle);
  assert.equal(v1.code, 0, v1.stderr);
  assert.match(v1.stdout, /created version v1 of model iris \(modellab-bundle, default\)/);
  assert.equal((await cli('versions', 'create', 'iris', 'v2', '--origin', bundle, '--link')).code, 0);
  const models = JSON.parse((await cli('models', 'list', '--json')).stdout) as { name: string; defaultVersion: string }[];
  assert.deepEqual(models.map((m) => [m.name, m.defaultVersion]), [['iris', 'v1']]);
  const table = (await cli('versions', 'list', 'iris')).stdout;
  assert.match(table, /^NAME\s+DEFAULT\s+FRAMEWORK/m);
  assert.match(table, /^v1\s+yes\s+modellab-bundle\s+READY/m);
  const refused = await cli('versions', 'delete', 'iris', 'v1');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is the default of model 'iris': set another default first/);
  assert.equal((await cli('versions', 'set-default', 'iris', 'v2')).code, 0);
  assert.equal((await cli('versions', 'delete', 'iris', 'v1')).code, 0);
  assert.equal((await cli('models', 'delete', 'iris')).code, 1);
  assert.equal((await cli('versions', 'delete', 'iris', 'v2')).code, 0);
  assert.equal((await cli('models', 'delete', 'iris')).code, 0);
  assert.match((await cli('models', 'list')).stdout, /no models/);
});

test('custom-container mode: AIP_* routes and port on all interfaces, health then predictions, SIGTERM exits 0', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const env = { AIP_HTTP_PORT: String(port), AIP_PREDICT_ROUTE: '/v1/endpoints/123/deployedModels/456:predict', AIP_HEALTH_ROUTE: '/health', AIP_STORAGE_URI: bundle };
  const { child, out, exited } = startServe([], env);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await get(`${base}/health`)).status === 200, child);
  const r = await post(`${base}${env.AIP_PREDICT_ROUTE}`, { instances: [SETOSA], parameters: {} });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body as object), ['predictions']);
  assert.equal((r.body as { predictions: IrisPrediction[] }).predictions[0].label, 'setosa');
  const bad = await post(`${base}${env.AIP_PREDICT_ROUTE}`, { instances: [{}] });
  assert.equal(bad.status, 400);
  assert.match((bad.body as { error: string }).error, /instance 0/);
  assert.match(out.stdout, /\(container\)/);
  // Vertex calls the container from outside: all interfaces, no token, and the log says so.
  assert.match(out.stdout, /on http:\/\/0\.0\.0\.0:\d+/);
  assert.match(out.stderr, /custom-container mode: listening on 0\.0\.0\.0 without a token/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0, out.stderr);
});

test('refusals: gs:// storage (for now), 0.0.0.0 without a token, nothing to serve', async () => {
  const nothing = await runCli(['serve']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /nothing to serve/);
  const { exited, out } = startServe([], { AIP_HTTP_PORT: '8080', AIP_PREDICT_ROUTE: '/p', AIP_HEALTH_ROUTE: '/h', AIP_STORAGE_URI: 'gs://bucket/model' });
  assert.equal(await exited, 2);
  assert.match(out.stderr, /AIP_STORAGE_URI gs:\/\/bucket\/model: only local folders are supported for now/);
  const open = startServe([bundle, '--host', '0.0.0.0', '--port', '0']);
  assert.equal(await open.exited, 2);
  assert.match(open.out.stderr, /refusing to serve on 0\.0\.0\.0 without protection/);
});

test('with a token from MODELLAB_SERVE_TOKEN the server binds 0.0.0.0 and never prints the token', { timeout: 60_000 }, async () => {
  const token = 'cli-secret-token-42';
  const { child, out, exited } = startServe([bundle, '--host', '0.0.0.0', '--port', '0', '--name', 'iris'], { MODELLAB_SERVE_TOKEN: token });
  await waitFor(async () => /on https?:\/\/[^ ]+:(\d+)/.test(out.stdout), child);
  const port = /:(\d+)/.exec(/on (https?:\/\/\S+)/.exec(out.stdout)![1])![1];
  const base = `http://127.0.0.1:${port}`;
  assert.equal((await post(`${base}/v1/models/iris:predict`, { instances: [SETOSA] })).status, 401);
  assert.equal((await post(`${base}/v1/models/iris:predict`, { instances: [SETOSA] }, { authorization: `Bearer ${token}` })).status, 200);
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.ok(!out.stdout.includes(token) && !out.stderr.includes(token));
  assert.match(out.stdout, /bearer token required/);
});
