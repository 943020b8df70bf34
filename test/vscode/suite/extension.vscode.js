// The Model Lab extension in a real VS Code extension host, with a workspace holding the iris example's modellab.yaml.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'model-lab.model-lab';

describe('Model Lab extension', () => {
  it('is installed (the development extension is loaded)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    assert.equal(ext.packageJSON.publisher, 'model-lab');
  });

  it('activates in a workspace that contains modellab.yaml', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    // workspaceContains activation happens on its own at startup; wait for it rather than forcing it with activate().
    for (let i = 0; i < 100 && !ext.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(ext.isActive, true, 'the extension did not activate on its own within 10 s');
  });

  it('sees the workspace modellab.yaml through vscode.workspace.findFiles', async () => {
    const found = await vscode.workspace.findFiles('**/modellab.yaml');
    assert.equal(found.length, 1, `found: ${found.map((u) => u.toString()).join(', ')}`);
    assert.equal(path.basename(found[0].path), 'modellab.yaml');
    const expected = process.env.MODELLAB_TEST_WORKSPACE;
    if (expected) assert.equal(found[0].path, path.posix.join(expected, 'modellab.yaml'));
  });

  it('registers modelLab.showRuntimeLog', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('modelLab.showRuntimeLog'));
  });

  it('runs modelLab.showRuntimeLog without error', async () => {
    await vscode.commands.executeCommand('modelLab.showRuntimeLog');
  });
});
