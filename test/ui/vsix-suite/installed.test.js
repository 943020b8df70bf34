// The installed model-lab-<version>.vsix, in a real code-server, with nothing from the repository's
// node_modules: it activates from the extensions dir, its packaged native modules load, and its commands
// train the iris example on its runtime (dist/runtime.js), predict, and serve the model (dist/cli.js serve).
/* global describe, it, before, setTimeout, fetch */
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'model-lab.model-lab';

describe('the installed .vsix', () => {
  let ext;
  let api;

  before(async () => {
    ext = vscode.extensions.getExtension(EXTENSION_ID);
    for (let i = 0; i < 150 && ext && !ext.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    api = ext && ext.isActive ? ext.exports : undefined;
  });

  it('is the copy in the fresh extensions dir, not a development extension', () => {
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const extDir = fs.realpathSync(process.env.MODELLAB_VSIX_EXTENSIONS_DIR);
    const extPath = fs.realpathSync(ext.extensionPath);
    assert.ok(extPath.startsWith(extDir + path.sep), `extensionPath ${extPath} is not inside ${extDir}`);
    assert.ok(!fs.existsSync(path.join(extPath, 'src')), 'sources are in the installed extension');
  });

  it('activated on its own (workspaceContains:**/modellab.yaml)', () => {
    assert.equal(ext.isActive, true);
    assert.ok(api && api.services, 'activate() returned no services');
    assert.equal(typeof api.activationMs, 'number');
    console.log(`      activationMs: ${api.activationMs.toFixed(2)}`);
  });

  it('loads its packaged native modules: onnxruntime-node, webgpu (Dawn), esbuild', async () => {
    const nm = path.join(ext.extensionPath, 'node_modules');
    const ort = require(path.join(nm, 'onnxruntime-node'));
    assert.equal(typeof ort.InferenceSession.create, 'function');
    const esbuild = require(path.join(nm, 'esbuild'));
    const out = esbuild.transformSync('const x: number = 1; export default x;', { loader: 'ts', format: 'cjs' });
    assert.match(out.code, /x = 1/);
    const webgpu = await import(require('node:url').pathToFileURL(path.join(nm, 'webgpu', 'index.js')).href);
    assert.equal(typeof webgpu.create, 'function');
  });

  let bundleDir;

  it('Train (the command) runs the iris example on its packaged runtime', async () => {
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    const outcome = await vscode.commands.executeCommand('modelLab.train', vscode.Uri.file(path.join(workspace, 'modellab.yaml')), {
      overrides: ['training.epochs=3'],
    });
    assert.ok(outcome && outcome.result, `no result: ${outcome && outcome.error}`);
    const { result } = outcome;
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.epochsRun, 3);
    assert.ok(result.bundleDir && fs.existsSync(result.bundleDir), `no model folder: ${result.bundleDir}`);
    assert.ok(result.runDir.startsWith(path.join(workspace, '.modellab')), result.runDir);
    assert.equal(api.services.runtime.state.status, 'ready');
    bundleDir = result.bundleDir;
    console.log(`      trained 3 epochs on ${result.backend && result.backend.name} (${result.backend && result.backend.device}): ${JSON.stringify(result.metrics)}`);
  });

  it('its runtime predicts with the model', async () => {
    assert.ok(bundleDir, 'no model from the previous test');
    const client = await api.services.runtime.client();
    const prediction = await client.predict(bundleDir, [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }]);
    console.log(`      prediction: ${JSON.stringify(prediction).slice(0, 160)}`);
    assert.equal(prediction.predictions.length, 1);
  });

  it('Serve Model Folder (the command) serves the model, which answers :predict; Stop Endpoint ends it', async () => {
    assert.ok(bundleDir, 'no model from the previous test');
    const endpoint = await vscode.commands.executeCommand('modelLab.serveModelFolder', vscode.Uri.file(bundleDir));
    assert.ok(endpoint && endpoint.url, `no endpoint: ${JSON.stringify(endpoint)}`);
    try {
      const res = await fetch(`${endpoint.url}/v1/models/${endpoint.model}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }] }),
      });
      const text = await res.text();
      console.log(`      ${endpoint.url} → ${res.status} ${text.slice(0, 120)}`);
      assert.equal(res.status, 200, text);
    } finally {
      await vscode.commands.executeCommand('modelLab.stopEndpoint', endpoint);
    }
  });
});
