// The installed model-lab-<version>.vsix, in a real code-server, with nothing from the repository's
// node_modules: it activates from the extensions dir, its packaged native modules load, and its runtime
// (dist/runtime.js, started by the extension) trains the iris example and predicts with the model.
/* global describe, it, before, setTimeout */
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

  it('its runtime trains the iris example and predicts with the model', async () => {
    const workspace = process.env.MODELLAB_TEST_WORKSPACE;
    const client = await api.services.runtime.client();
    const result = await client.train({
      specFile: path.join(workspace, 'modellab.yaml'),
      workspace,
      overrides: ['training.epochs=3'],
      backend: 'auto', // the packaged backends: webgpu (a real GPU only), else wasm (dist/wasm)
    });
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.epochsRun, 3);
    assert.ok(result.bundleDir && fs.existsSync(result.bundleDir), `no model folder: ${result.bundleDir}`);
    assert.ok(result.runDir.startsWith(path.join(workspace, '.modellab')), result.runDir);
    const prediction = await client.predict(result.bundleDir, [
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    ]);
    console.log(`      trained 3 epochs on ${JSON.stringify(result.backend)} (${JSON.stringify(result.metrics)}); ` +
      `prediction: ${JSON.stringify(prediction).slice(0, 200)}`);
    assert.equal(prediction.predictions.length, 1);
    assert.equal(api.services.runtime.state.status, 'ready');
  });
});
