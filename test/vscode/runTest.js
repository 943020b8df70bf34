// Runs the extension's tests (test/vscode/suite/*.vscode.js, mocha) inside a real VS Code: stock
// @vscode/test-electron runTests with vscodeExecutablePath = test/code-shim.js, which drives code-server +
// headless chromium (../shared/notes/real-vscode-tests.md). Needs CODE_SERVER_NODE and CODE_SERVER_ENTRY:
//   npm run test:vscode        (builds, installs/finds code-server, runs this)
// Exit code: 0 when every test passed, non-zero otherwise.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  // A throwaway workspace with the iris example's modellab.yaml (activation: workspaceContains:**/modellab.yaml),
  // plus the profile dirs, so nothing is written into the repository (test-electron defaults to ./.vscode-test).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modellab-vscode-test-'));
  const workspace = path.join(tmp, 'iris');
  fs.cpSync(path.join(root, 'examples', 'iris'), workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}.modellab`) });
  let code = 1;
  try {
    await runTests({
      vscodeExecutablePath: path.join(root, 'test', 'code-shim.js'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
      extensionTestsEnv: { MODELLAB_TEST_WORKSPACE: workspace },
    });
    code = 0;
  } catch (err) {
    console.error(`VS Code extension tests failed: ${err && err.message ? err.message : err}`);
    code = typeof (err && err.code) === 'number' && err.code !== 0 ? err.code : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
