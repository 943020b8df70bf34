// Model folders, local endpoints and the registry in a real VS Code extension host: a real XGBoost
// model folder (from test/fixtures) copied into the test workspace is found by content, served through
// the Explorer context-menu command with its Uri, answers a Cloud ML :predict over HTTP, is listed in
// Endpoints, stops for good, and registers as a model version.
/* global fetch */
'use strict';
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');
const { waitFor } = require('./waitFor');

const EXTENSION_ID = 'model-lab.model-lab';
const INSTANCES = [
  [17.91, 21.02, 124.4, 994.0, 0.1, 0.2576, 0.3189, 0.1198],
  [11.93, 10.91, null, null, 0.0887, 0.0524, 0.0261, 0.018],
];

/** waitFor with this suite's shorter default wait. */
const until = (what, check, timeoutMs = 15_000) => waitFor(what, check, timeoutMs);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Model folders and endpoints', function () {
  this.timeout(120_000);
  let services;
  let modelDir;
  let endpoint;
  let fixture;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    await ext.activate();
    services = ext.exports.services;
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    assert.ok(workspace, 'MODELLAB_TEST_WORKSPACE is not set');
    modelDir = path.join(workspace, 'models', 'cancer_xgb');
    fixture = path.join(ext.extensionPath, 'test', 'fixtures', 'xgboost', 'binary_logistic.json');
  });

  after(async () => {
    if (endpoint && alive(endpoint.pid)) await vscode.commands.executeCommand('modelLab.stopEndpoint', endpoint);
  });

  it('sets modelLab.modelFolders to the model folders, found by the file watcher', async () => {
    assert.ok(services.serving, 'services.serving is not set by the models part');
    // The scan made at activation is over (refresh joins it) and knows no such folder yet.
    assert.ok(!(await services.serving.refreshModelFolders()).includes(modelDir));
    fs.mkdirSync(modelDir, { recursive: true });
    fs.copyFileSync(fixture, path.join(modelDir, 'model.json'));
    // A TensorFlow.js-style model.json beside it must not count: recognition goes by content.
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    fs.mkdirSync(path.join(workspace, 'models', 'not_a_model'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'models', 'not_a_model', 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {} }));
    // No explicit refresh from here: the watcher sees the new files and rescans on its own.
    const folders = await until('the new model folder in modelLab.modelFolders', () => {
      const list = services.serving.modelFolders();
      return list.includes(modelDir) && list;
    }).catch(async (err) => {
      const rescanned = await services.serving.refreshModelFolders();
      throw new Error(`${err.message}; had ${JSON.stringify(services.serving.modelFolders())}, a rescan finds ${JSON.stringify(rescanned)}`);
    });
    assert.ok(!folders.some((f) => f.endsWith('not_a_model')), `a TensorFlow.js model.json is not a model folder: ${folders.join(', ')}`);
  });

  it('serves the folder through the context-menu command and answers a Cloud ML :predict', async () => {
    endpoint = await vscode.commands.executeCommand('modelLab.serveModelFolder', vscode.Uri.file(modelDir));
    assert.ok(endpoint && endpoint.url, 'modelLab.serveModelFolder returned no endpoint');
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(endpoint.framework, 'xgboost');
    assert.ok(alive(endpoint.pid));
    const response = await fetch(`${endpoint.url}/v1/projects/local/models/${endpoint.model}:predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: INSTANCES }),
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.predictions.length, 2);
    for (const p of body.predictions) assert.ok(typeof p === 'number' && p >= 0 && p <= 1, `a probability, got ${JSON.stringify(p)}`);
  });

  it('lists the endpoint in the Endpoints view, and Predict through it answers the same', async () => {
    const listed = services.serving.endpoints();
    assert.deepEqual(listed.map((e) => [e.url, e.model, e.framework]), [[endpoint.url, endpoint.model, 'xgboost']]);
    assert.deepEqual(await services.serving.viewItems('modelLab.endpoints'), [
      { label: endpoint.model, description: `${endpoint.url} · xgboost`, contextValue: 'endpoint', depth: 0 },
    ]);
    await vscode.commands.executeCommand('modelLab.endpoints.focus');
    const outcome = await vscode.commands.executeCommand('modelLab.predict', { endpointId: endpoint.id, instances: INSTANCES });
    assert.equal(outcome.status, 200, JSON.stringify(outcome.response));
    assert.equal(outcome.response.predictions.length, 2);
    const copied = await vscode.commands.executeCommand('modelLab.copyEndpointUrl', endpoint);
    assert.equal(copied, `${endpoint.url}/v1/projects/local/models/${endpoint.model}:predict`);
    assert.equal(await vscode.env.clipboard.readText(), copied);
    const test = await vscode.commands.executeCommand('modelLab.openTestRequest', endpoint);
    assert.equal(test.response.status, 200, JSON.stringify(test.response));
    assert.deepEqual(test.request.body.instances, [new Array(8).fill(0)], 'the sample instance comes from the model\'s num_feature');
  });

  it('Stop Endpoint ends the server process', async () => {
    await vscode.commands.executeCommand('modelLab.stopEndpoint', endpoint);
    assert.equal(alive(endpoint.pid), false, `pid ${endpoint.pid} still runs`);
    assert.deepEqual(services.serving.endpoints(), []);
    assert.deepEqual(await services.serving.viewItems('modelLab.endpoints'), []);
    await assert.rejects(fetch(`${endpoint.url}/healthz`), 'the port no longer answers');
  });

  it('registers the folder as a model version in the workspace registry', async () => {
    const first = await vscode.commands.executeCommand('modelLab.registerModelVersion', { modelDir, model: 'cancer_xgb' });
    assert.deepEqual(first, { model: 'cancer_xgb', version: 'v1' });
    const second = await vscode.commands.executeCommand('modelLab.registerModelVersion', { modelDir, model: 'cancer_xgb' });
    assert.deepEqual(second, { model: 'cancer_xgb', version: 'v2' });
    const registry = path.join(process.env.MODELLAB_TEST_WORKSPACE, '.modellab', 'models', 'cancer_xgb');
    const version = JSON.parse(fs.readFileSync(path.join(registry, 'v1', 'version.json'), 'utf8'));
    assert.equal(version.framework, 'xgboost');
    assert.equal(version.origin, modelDir);
    assert.ok(fs.existsSync(path.join(registry, 'v1', 'model', 'model.json')), 'the folder is copied into the version');
    assert.equal(JSON.parse(fs.readFileSync(path.join(registry, 'model.json'), 'utf8')).defaultVersion, 'v1');
  });

  it('sets the default version and serves a version from the Models view', async () => {
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    const registry = path.join(workspace, '.modellab', 'models', 'cancer_xgb');
    const node = { kind: 'version', workspace, version: { model: 'cancer_xgb', name: 'v2', modelDir: path.join(registry, 'v2', 'model') } };
    const versions = async () => (await services.serving.viewItems('modelLab.models')).filter((i) => i.label.startsWith('v')).map((i) => [i.label, i.contextValue]);
    assert.deepEqual(await versions(), [['v1', 'version-default'], ['v2', 'version']]);
    await vscode.commands.executeCommand('modelLab.setDefaultVersion', node);
    assert.equal(JSON.parse(fs.readFileSync(path.join(registry, 'model.json'), 'utf8')).defaultVersion, 'v2');
    assert.deepEqual(await versions(), [['v1', 'version'], ['v2', 'version-default']]);
    const served = await vscode.commands.executeCommand('modelLab.serveModelVersion', node);
    try {
      assert.equal(served.model, 'cancer_xgb');
      assert.equal(served.modelDir, node.version.modelDir);
      const answer = await vscode.commands.executeCommand('modelLab.predict', { endpointId: served.id, instances: INSTANCES });
      assert.equal(answer.response.predictions.length, 2);
    } finally {
      await vscode.commands.executeCommand('modelLab.stopEndpoint', served);
    }
    assert.equal(alive(served.pid), false);
  });

  it('predicts sample instances, batch-predicts a file, and shows model info for the folder', async () => {
    const sample = await vscode.commands.executeCommand('modelLab.predictWithSampleInstances', vscode.Uri.file(modelDir));
    assert.equal(sample.status, 200, JSON.stringify(sample.response));
    assert.equal(sample.response.predictions.length, 1);
    // A non-bundle predicts through an endpoint started for it; it is listed, and stopped here.
    const started = services.serving.endpoints().find((e) => e.modelDir === modelDir);
    assert.ok(started, 'the endpoint started for the sample is listed');
    await vscode.commands.executeCommand('modelLab.stopEndpoint', started);

    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    const input = path.join(workspace, 'batch-in.jsonl');
    fs.writeFileSync(input, `${INSTANCES.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const outputDir = path.join(workspace, 'batch-out');
    const summary = await vscode.commands.executeCommand('modelLab.batchPredict', { modelDir, inputs: [input], outputDir });
    assert.ok(summary, 'Batch Predict returned no summary (see the Model Lab log)');
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.predicted, 2);
    assert.ok(fs.readdirSync(outputDir).some((f) => f.startsWith('prediction.results-')));

    const markdown = await vscode.commands.executeCommand('modelLab.showModelInfo', vscode.Uri.file(modelDir));
    assert.match(markdown, /\*\*Kind:\*\* xgboost/);
  });

  it('predicts and serves a Model Lab bundle: sample instances from its manifest, predicted by the runtime', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    // Trained by the CLI in a scratch workspace (not this one, whose Runs view other suites check), then copied in.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modellab-bundle-'));
    const args = [path.join(ext.extensionPath, 'dist', 'cli.js'), 'train', path.join(workspace, 'modellab.yaml'), '--workspace', scratch];
    args.push('--set', 'training.epochs=3', '--param', 'learning_rate=0.01', '--param', 'hidden_units=8', '--backend', 'cpu', '--json');
    const stdout = await new Promise((resolve, reject) =>
      execFile(process.execPath, args, { timeout: 90_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
    );
    const result = JSON.parse(stdout.trim().split('\n').pop());
    assert.equal(result.status, 'succeeded', stdout);
    const bundleDir = path.join(workspace, 'models', 'iris_bundle');
    fs.cpSync(result.bundleDir, bundleDir, { recursive: true });
    fs.rmSync(scratch, { recursive: true, force: true });
    await until('the bundle in modelLab.modelFolders', () => services.serving.modelFolders().includes(bundleDir));

    const sample = await vscode.commands.executeCommand('modelLab.predictWithSampleInstances', vscode.Uri.file(bundleDir));
    assert.ok(sample, 'Predict with Sample Instances returned nothing (see the Model Lab log)');
    assert.match(sample.target, /\(runtime\)$/, 'a bundle predicts in the runtime child, not through an endpoint');
    assert.deepEqual(Object.keys(sample.request.instances[0]).sort(), ['petal_length', 'petal_width', 'sepal_length', 'sepal_width']);
    assert.equal(sample.response.predictions.length, 1);
    assert.deepEqual(services.serving.endpoints(), [], 'no endpoint was started for it');

    const served = await vscode.commands.executeCommand('modelLab.serveModelFolder', vscode.Uri.file(bundleDir));
    try {
      assert.equal(served.framework, 'modellab-bundle');
      const response = await fetch(`${served.url}/v1/projects/local/models/${served.model}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] }),
      });
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.equal(body.predictions.length, 1);
    } finally {
      await vscode.commands.executeCommand('modelLab.stopEndpoint', served);
    }
    const markdown = await vscode.commands.executeCommand('modelLab.showModelInfo', vscode.Uri.file(bundleDir));
    for (const part of ['## Signature', '## Labels', '`versicolor`', '## Metrics', '## Lineage', result.runId]) assert.ok(markdown.includes(part), `${part} missing from\n${markdown}`);
    // Deleted with its files (one watcher event for the folder): it leaves the context key.
    fs.rmSync(bundleDir, { recursive: true, force: true });
    await until('the deleted bundle to leave modelLab.modelFolders', () => !services.serving.modelFolders().includes(bundleDir));
  });

  it('off loopback, an endpoint demands the token kept in secret storage', async () => {
    const config = vscode.workspace.getConfiguration('modelLab.serve');
    await config.update('host', '0.0.0.0', vscode.ConfigurationTarget.Global);
    let served;
    try {
      served = await vscode.commands.executeCommand('modelLab.serveModelFolder', { modelDir });
      assert.ok(served, 'Serve Model Folder returned nothing (see the Model Lab log)');
      assert.equal(served.tokenRequired, true);
      const token = await services.context.secrets.get('modelLab.serve.token');
      assert.ok(token && token.length >= 32, 'a token was generated into SecretStorage');
      const url = `${served.url}/v1/projects/local/models/${served.model}:predict`;
      const request = (headers) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ instances: INSTANCES }) });
      assert.equal((await request({})).status, 401);
      assert.equal((await request({ authorization: `Bearer ${token}` })).status, 200);
      const viaCommand = await vscode.commands.executeCommand('modelLab.predict', { endpointId: served.id, instances: INSTANCES });
      assert.equal(viaCommand.status, 200, 'Predict sends the token itself');
    } finally {
      if (served) await vscode.commands.executeCommand('modelLab.stopEndpoint', served);
      await config.update('host', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
