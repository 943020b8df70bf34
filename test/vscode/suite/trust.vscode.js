// Model Lab in an UNTRUSTED workspace (Restricted Mode). runTest.js runs this file alone, with
// MODELLAB_VSCODE_TRUST=untrusted (code-shim.js: workspace trust on, no startup prompt, a fresh profile that
// never trusted the folder). package.json: capabilities.untrustedWorkspaces = limited; Train/Tune/Serve/Predict
// run workspace code, so they refuse; viewing commands still work.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'model-lab.model-lab';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function workspaceDir() {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

/** Runs a command, but never waits more than `ms` for it: a command that prompts (quick pick) would hang. */
async function execute(command, ...args) {
  let timer;
  const outcome = await Promise.race([
    vscode.commands.executeCommand(command, ...args).then(
      (value) => ({ settled: 'resolved', value }),
      (error) => ({ settled: 'rejected', error }),
    ),
    new Promise((r) => (timer = setTimeout(() => r({ settled: 'pending' }), 10_000))),
  ]);
  clearTimeout(timer);
  // Close whatever it may have opened (a quick pick / input box), so the next command starts clean.
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  return outcome;
}

/** Everything under <workspace>/.modellab (runs, studies, endpoints): must stay empty. */
function modellabEntries() {
  const dir = path.join(workspaceDir(), '.modellab');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true });
}

describe('Model Lab in an untrusted workspace (Restricted Mode)', function () {
  let api;

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    for (let i = 0; i < 150 && !ext.isActive; i++) await sleep(100);
    api = ext.isActive ? ext.exports : undefined;
  });

  it('the workspace is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('the extension still activates (untrustedWorkspaces: limited)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(ext.packageJSON.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(ext.isActive, true, 'not active within 15 s');
    assert.ok(api && api.services, 'activate() returned no services');
    assert.equal(api.services.runtime.state.status, 'stopped');
  });

  for (const [command, argOf] of [
    ['modelLab.train', (ws) => vscode.Uri.file(path.join(ws, 'modellab.yaml'))],
    ['modelLab.tune', (ws) => vscode.Uri.file(path.join(ws, 'modellab.yaml'))],
    ['modelLab.serveModelFolder', (ws) => vscode.Uri.file(ws)],
    ['modelLab.batchPredict', (ws) => vscode.Uri.file(ws)],
  ]) {
    it(`${command} refuses: no runtime started, no run folder`, async () => {
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes(command), `${command} is not registered`);
      const before = modellabEntries();
      const outcome = await execute(command, argOf(workspaceDir()));
      assert.notEqual(outcome.settled, 'pending', `${command} did not return within 10 s (did it prompt instead of refusing?)`);
      await sleep(1500); // a runtime launch or a run folder would show up by now
      assert.equal(api.services.runtime.state.status, 'stopped',
        `${command} started the runtime (status ${api.services.runtime.state.status})`);
      assert.deepEqual(modellabEntries(), before, `${command} wrote into .modellab/`);
    });
  }

  it('modelLab.showRuntimeLog still works', async () => {
    const outcome = await execute('modelLab.showRuntimeLog');
    assert.equal(outcome.settled, 'resolved', outcome.error ? String(outcome.error) : outcome.settled);
  });

  it('modelLab.openExperiments still works', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('modelLab.openExperiments'), 'modelLab.openExperiments is not registered');
    const outcome = await execute('modelLab.openExperiments');
    assert.notEqual(outcome.settled, 'rejected', outcome.error ? String(outcome.error) : '');
    assert.equal(api.services.runtime.state.status === 'starting' || api.services.runtime.state.status === 'ready', false,
      'opening the experiments view started the runtime');
  });

  it('the runtime never started', () => {
    assert.equal(api.services.runtime.state.status, 'stopped');
    assert.deepEqual(modellabEntries().filter((e) => String(e).startsWith('runs')), []);
  });
});
