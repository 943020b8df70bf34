// Runs the extension's tests (test/vscode/suite/*.vscode.js, mocha) inside a real VS Code: stock
// @vscode/test-electron runTests with vscodeExecutablePath = test/code-shim.js, which drives code-server +
// headless chromium (../shared/notes/real-vscode-tests.md). Needs CODE_SERVER_NODE and CODE_SERVER_ENTRY:
//   npm run test:vscode        (builds, installs/finds code-server, runs this)
// One run per suite file, each in a fresh VS Code, workspace (a copy of examples/iris) and profile, so one
// part's runs, endpoints or settings never leak into another's assertions:
//   <name>     test/vscode/suite/<name>.vscode.js, workspace trust off (a trusted folder)
//   untrusted  trust.vscode.js with MODELLAB_VSCODE_TRUST=untrusted: the folder opens in Restricted Mode,
//              seeded with one CLI-trained run to view
// MODELLAB_VSCODE_RUNS=jobs,untrusted runs only those; MODELLAB_VSCODE_RUNS=together runs every trusted file
// in one window (the old single run).
// Exit code: 0 when every test of every run passed, non-zero otherwise.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');

const suiteDir = path.join(__dirname, 'suite');
const trustedFiles = fs.readdirSync(suiteDir).filter((f) => f.endsWith('.vscode.js') && f !== 'trust.vscode.js').sort();
const RUNS = {
  ...Object.fromEntries(trustedFiles.map((f) => [f.replace(/\.vscode\.js$/, ''), { env: { MODELLAB_VSCODE_SUITE: f } }])),
  together: { env: { MODELLAB_VSCODE_SUITE: trustedFiles.join(',') } },
  // Seeded with one finished run (trained by the CLI before VS Code starts), so viewing it can be tested.
  untrusted: { env: { MODELLAB_VSCODE_TRUST: 'untrusted', MODELLAB_VSCODE_SUITE: 'trust' }, seedRun: true },
};
const DEFAULT_RUNS = [...trustedFiles.map((f) => f.replace(/\.vscode\.js$/, '')), 'untrusted'];

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
  console.log(`\n== VS Code extension tests: ${name}${RUNS[name].env.MODELLAB_VSCODE_TRUST ? ' (untrusted workspace)' : ''}`);
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

/** Sums the suites' `<n> passed, <m> failed` lines as they go by on stdout (the shim prints the host's console). */
const counts = { passed: 0, failed: 0 };
function countSuiteLines() {
  const write = process.stdout.write.bind(process.stdout);
  let partial = '';
  process.stdout.write = (chunk, ...rest) => {
    partial += String(chunk);
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const m = /^(\d+) passed, (\d+) failed$/.exec(line.trim());
      if (m) { counts.passed += Number(m[1]); counts.failed += Number(m[2]); }
    }
    return write(chunk, ...rest);
  };
}

async function main() {
  countSuiteLines();
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  const names = process.env.MODELLAB_VSCODE_RUNS
    ? process.env.MODELLAB_VSCODE_RUNS.split(',').map((s) => s.trim()).filter(Boolean)
    : DEFAULT_RUNS;
  for (const n of names) if (!RUNS[n]) throw new Error(`MODELLAB_VSCODE_RUNS: unknown run '${n}' (${Object.keys(RUNS).join(', ')})`);
  const results = [];
  for (const n of names) results.push([n, await runOne(n)]);
  const failed = results.filter(([, c]) => c !== 0).map(([n]) => n);
  console.log(`\nVS Code extension test runs: ${results.length - failed.length} of ${results.length} passed${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
