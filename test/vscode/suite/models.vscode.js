// Model folders, local endpoints and the registry in a real VS Code extension host: a real XGBoost
// model folder (from test/fixtures) copied into the test workspace is found by content, served through
// the Explorer context-menu command with its Uri, answers a Cloud ML :predict over HTTP, is listed in
// Endpoints, stops for good, and registers as a model version.
/* global fetch */
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'model-lab.model-lab';
const INSTANCES = [
  [17.91, 21.02, 124.4, 994.0, 0.1, 0.2576, 0.3189, 0.1198],
  [11.93, 10.91, null, null, 0.0887, 0.0524, 0.0261, 0.018],
];

async function until(what, check, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    await ext.activate();
    services = ext.exports.services;
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    assert.ok(workspace, 'MODELLAB_TEST_WORKSPACE is not set');
    modelDir = path.join(workspace, 'models', 'cancer_xgb');
    fs.mkdirSync(modelDir, { recursive: true });
    fs.copyFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'xgboost', 'binary_logistic.json'), path.join(modelDir, 'model.json'));
    // A TensorFlow.js-style model.json beside it must not count: recognition goes by content.
    fs.mkdirSync(path.join(workspace, 'models', 'not_a_model'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'models', 'not_a_model', 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {} }));
  });

  after(async () => {
    if (endpoint && alive(endpoint.pid)) await vscode.commands.executeCommand('modelLab.stopEndpoint', endpoint);
  });

  it('sets modelLab.modelFolders to the model folders, found by the file watcher', async () => {
    assert.ok(services.serving, 'services.serving is not set by the models part');
    // No explicit refresh: the watcher sees the new files and rescans on its own.
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
    await vscode.commands.executeCommand('modelLab.endpoints.focus');
    const outcome = await vscode.commands.executeCommand('modelLab.predict', { endpointId: endpoint.id, instances: INSTANCES });
    assert.equal(outcome.status, 200, JSON.stringify(outcome.response));
    assert.equal(outcome.response.predictions.length, 2);
    const test = await vscode.commands.executeCommand('modelLab.openTestRequest', endpoint);
    assert.equal(test.response.status, 200, JSON.stringify(test.response));
    assert.deepEqual(test.request.body.instances, [new Array(8).fill(0)], 'the sample instance comes from the model\'s num_feature');
  });

  it('Stop Endpoint ends the server process', async () => {
    await vscode.commands.executeCommand('modelLab.stopEndpoint', endpoint);
    assert.equal(alive(endpoint.pid), false, `pid ${endpoint.pid} still runs`);
    assert.deepEqual(services.serving.endpoints(), []);
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
});
