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

/** Everything under <workspace>/.modellab (the seeded run, studies, endpoints): must not change. */
function modellabEntries() {
  const dir = path.join(workspaceDir(), '.modellab');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true });
}

/** The run runTest.js trained with the CLI before VS Code started (undefined when not seeded). */
function seededRun() {
  const runs = path.join(workspaceDir(), '.modellab', 'runs');
  const id = fs.existsSync(runs) ? fs.readdirSync(runs).sort()[0] : undefined;
  return id ? { kind: 'run', id, workspace: workspaceDir(), dir: path.join(runs, id) } : undefined;
}

describe('Model Lab in an untrusted workspace (Restricted Mode)', function () {
  let api;
  const runtimeStates = []; // every runtime state change: any start attempt shows up here

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    for (let i = 0; i < 150 && !ext.isActive; i++) await sleep(100);
    api = ext.isActive ? ext.exports : undefined;
    if (api) api.services.runtime.onDidChangeState((s) => runtimeStates.push(s.status));
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

  it('a run trained before VS Code started is there to view', function () {
    if (!seededRun()) this.skip();
  });

  // Every command that package.json gates on trust (enablement: isWorkspaceTrusted), with a plausible argument:
  // executeCommand ignores enablement, so each handler must refuse by itself.
  const specArg = (ws) => vscode.Uri.file(path.join(ws, 'modellab.yaml'));
  // The seeded run's model folder (a real one), else the workspace folder.
  const modelArg = (ws) => vscode.Uri.file(seededRun() ? path.join(seededRun().dir, 'model') : ws);
  const ARGS = {
    'modelLab.train': specArg,
    'modelLab.tune': specArg,
    'modelLab.serveModelFolder': modelArg,
    'modelLab.batchPredict': modelArg,
    'modelLab.predictWithSampleInstances': modelArg,
    'modelLab.predict': modelArg,
  };
  const gated = require('../../../package.json').contributes.commands
    .filter((c) => /isWorkspaceTrusted/.test(c.enablement || ''))
    .map((c) => c.command);

  it('package.json gates the commands that run workspace code on trust', () => {
    for (const c of ['modelLab.train', 'modelLab.tune', 'modelLab.serveModelFolder', 'modelLab.predict', 'modelLab.batchPredict']) {
      assert.ok(gated.includes(c), `${c} has no isWorkspaceTrusted enablement`);
    }
  });

  for (const command of gated) {
    it(`${command} refuses: no runtime started, no endpoint, nothing written`, async () => {
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes(command), `${command} is not registered`);
      const before = modellabEntries();
      const outcome = await execute(command, ...(ARGS[command] ? [ARGS[command](workspaceDir())] : []));
      assert.notEqual(outcome.settled, 'pending', `${command} did not return within 10 s (did it prompt instead of refusing?)`);
      await sleep(1500); // a runtime launch or a run folder would show up by now
      assert.equal(api.services.runtime.state.status, 'stopped',
        `${command} started the runtime (status ${api.services.runtime.state.status})`);
      assert.deepEqual(runtimeStates, [], `${command} changed the runtime's state: ${runtimeStates.join(' → ')}`);
      const serving = api.services.serving;
      if (serving) assert.deepEqual(serving.endpoints(), [], `${command} started a local endpoint`);
      assert.deepEqual(modellabEntries(), before, `${command} wrote into .modellab/`);
    });
  }

  it('modelLab.showRuntimeLog still works', async () => {
    const outcome = await execute('modelLab.showRuntimeLog');
    assert.equal(outcome.settled, 'resolved', outcome.error ? String(outcome.error) : outcome.settled);
  });

  it('modelLab.openExperiments still works (with no argument it offers the runs to pick)', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('modelLab.openExperiments'), 'modelLab.openExperiments is not registered');
    const outcome = await execute('modelLab.openExperiments');
    assert.notEqual(outcome.settled, 'rejected', outcome.error ? String(outcome.error) : '');
  });

  it('modelLab.openExperiments opens the experiment panel of an existing run (viewing needs no trust)', async function () {
    const run = seededRun();
    if (!run) this.skip(); // runTest.js seeds one; a hand-made workspace may have none
    const outcome = await execute('modelLab.openExperiments', run);
    assert.equal(outcome.settled, 'resolved', outcome.error ? String(outcome.error) : outcome.settled);
    let panelTab;
    for (let i = 0; i < 50 && !panelTab; i++) {
      panelTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && /modelLab/i.test(t.input.viewType));
      if (!panelTab) await sleep(100);
    }
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    assert.ok(panelTab, `no experiment panel tab opened; tabs: ${tabs.join(', ')}`);
  });

  it('the runtime never started, and no run was added', () => {
    assert.equal(api.services.runtime.state.status, 'stopped');
    assert.deepEqual(runtimeStates, [], `runtime state changes: ${runtimeStates.join(' → ')}`);
    const runs = path.join(workspaceDir(), '.modellab', 'runs');
    const seeded = seededRun();
    assert.deepEqual(fs.existsSync(runs) ? fs.readdirSync(runs) : [], seeded ? [seeded.id] : []);
  });
});
