// Runs the extension's tests (test/vscode/suite/*.vscode.js, mocha) inside a real VS Code: stock
// @vscode/test-electron runTests with vscodeExecutablePath = test/code-shim.js, which drives code-server +
// headless chromium (../shared/notes/real-vscode-tests.md). Needs CODE_SERVER_NODE and CODE_SERVER_ENTRY:
//   npm run test:vscode        (builds, installs/finds code-server, runs this)
// Two runs, each in a fresh workspace (the iris example) and profile:
//   trusted    every *.vscode.js except trust.vscode.js (workspace trust off, as a trusted folder)
//   untrusted  trust.vscode.js only, with MODELLAB_VSCODE_TRUST=untrusted: the folder opens in Restricted Mode
// MODELLAB_VSCODE_RUNS=trusted|untrusted runs one of them; MODELLAB_VSCODE_SUITE=<names> picks trusted-run files.
// Exit code: 0 when every test of every run passed, non-zero otherwise.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');

const RUNS = {
  trusted: { env: { MODELLAB_VSCODE_SUITE: process.env.MODELLAB_VSCODE_SUITE || '' } },
  // Seeded with one finished run (trained by the CLI before VS Code starts), so viewing it can be tested.
  untrusted: { env: { MODELLAB_VSCODE_TRUST: 'untrusted', MODELLAB_VSCODE_SUITE: 'trust' }, seedRun: true },
};

/** Trains the workspace's spec for 2 epochs with the CLI (dist/cli.js): one finished run in .modellab/runs. */
function seedRun(workspace) {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'train', path.join(workspace, 'modellab.yaml'),
    '--set', 'training.epochs=2', '--backend', 'cpu', '--json'], { cwd: workspace, encoding: 'utf8', timeout: 120_000 });
  const last = (r.stdout || '').trim().split('\n').pop();
  if (r.status !== 0) throw new Error(`seeding a run failed (exit ${r.status}): ${r.stderr || last}`);
  const result = JSON.parse(last);
  console.log(`seeded run ${result.runId} (${result.status})`);
}

async function runOne(name) {
  // A throwaway workspace with the iris example's modellab.yaml (activation: workspaceContains:**/modellab.yaml),
  // plus the profile dirs, so nothing is written into the repository (test-electron defaults to ./.vscode-test).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `modellab-vscode-test-${name}-`));
  const workspace = path.join(tmp, 'iris');
  fs.cpSync(path.join(root, 'examples', 'iris'), workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}.modellab`) });
  console.log(`\n== VS Code extension tests: ${name} workspace`);
  try {
    if (RUNS[name].seedRun) seedRun(workspace);
    await runTests({
      vscodeExecutablePath: path.join(root, 'test', 'code-shim.js'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
      extensionTestsEnv: { MODELLAB_TEST_WORKSPACE: workspace, ...RUNS[name].env },
    });
    return 0;
  } catch (err) {
    console.error(`VS Code extension tests (${name}) failed: ${err && err.message ? err.message : err}`);
    return typeof (err && err.code) === 'number' && err.code !== 0 ? err.code : 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  const names = (process.env.MODELLAB_VSCODE_RUNS || 'trusted,untrusted').split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!RUNS[n]) throw new Error(`MODELLAB_VSCODE_RUNS: unknown run '${n}' (trusted, untrusted)`);
  const results = [];
  for (const n of names) results.push([n, await runOne(n)]);
  console.log(`\nVS Code extension test runs: ${results.map(([n, c]) => `${n} ${c === 0 ? 'passed' : `FAILED (${c})`}`).join(', ')}`);
  process.exit(results.some(([, c]) => c !== 0) ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
