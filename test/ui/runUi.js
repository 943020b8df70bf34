#!/usr/bin/env node
// `npm run test:ui`: UI tests of the Model Lab extension in a real VS Code workbench (code-server 4.139.1 =
// VS Code 1.139.1) driven by headless Debian chromium through playwright-core, as a user would: command
// palette, Explorer context menu, notifications, views, the experiment panel's webview.
// The development extension is loaded from the repository through a symlink in a fresh extensions dir
// (model-lab.model-lab-<version> -> repo root); the workspace is a copy of examples/iris (trained longer, so its
// chart grows while the test watches) plus `iris-model/`, a model folder trained by the CLI beforehand.
// Tests: test/ui/*.ui.js, each exporting an ordered list of { name, run(ctx) } and optionally
// `session: { untrusted: true }` (a workbench whose folder opens in Restricted Mode: workspace trust on, never
// granted). Files of one session share one workbench; each session starts a fresh one.
// Screenshots: test-artifacts/ui/<nn>-<name>.png (and <nn>-<name>-FAILED.png).
// Env: CODE_SERVER_NODE/CODE_SERVER_ENTRY (npm run test:ui sets them), MODELLAB_UI_GREP=<regex> (run matching
// tests only), MODELLAB_UI_KEEP=1 (keep the temp dir), MODELLAB_UI_TIMEOUT_S (per test, default 180).
// Last line: `<n> passed, <m> failed`; exit code 0 when all passed.
/* global setTimeout, clearTimeout */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startCodeServer, launchBrowser, tailOfLog, sleep } = require('../code-shim.js');
const { waitForWorkbench } = require('./workbench.js');

const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'test-artifacts', 'ui');
const TEST_TIMEOUT_MS = Number(process.env.MODELLAB_UI_TIMEOUT_S || 180) * 1000;

/** Trains the iris spec with the CLI for a few epochs and returns the model folder. */
function trainModelWithCli(dir) {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'train', path.join(dir, 'modellab.yaml'),
    '--set', 'training.epochs=3', '--backend', 'cpu', '--json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`CLI training failed (exit ${r.status}): ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  if (!result.bundleDir) throw new Error(`CLI training wrote no model folder: ${JSON.stringify(result)}`);
  return result.bundleDir;
}

function prepareWorkspace(tmp) {
  const ws = path.join(tmp, 'iris');
  fs.cpSync(path.join(root, 'examples', 'iris'), ws, { recursive: true, filter: (s) => !s.includes(`${path.sep}.modellab`) });
  // A model folder at the top of the workspace, to right-click in the Explorer (trained in a scratch copy).
  const scratch = path.join(tmp, 'scratch');
  fs.cpSync(ws, scratch, { recursive: true });
  fs.cpSync(trainModelWithCli(scratch), path.join(ws, 'iris-model'), { recursive: true });
  // 20,000 epochs, no early stopping: Train runs until the test has watched the chart grow and presses the
  // panel's Stop (however fast the machine).
  const spec = path.join(ws, 'modellab.yaml');
  const text = fs.readFileSync(spec, 'utf8').replace(/^(\s*)epochs:\s*\d+/m, '$1epochs: 20000').replace(/^\s*earlyStopping:.*\n/m, '');
  fs.writeFileSync(spec, text);
  return ws;
}

function prepareProfile(tmp) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const ext = path.join(tmp, 'ext');
  fs.mkdirSync(ext, { recursive: true });
  fs.symlinkSync(root, path.join(ext, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  const settings = path.join(tmp, 'ud', 'User', 'settings.json');
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  // A quiet workbench: no welcome page, no chat side bar, no tips, the notifications kept on screen.
  fs.writeFileSync(settings, JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'window.commandCenter': false,
  }, null, 2));
  return { ext, ud: path.join(tmp, 'ud') };
}

/** The Model Lab output channel's log file under the server's user-data dir (for failure reports). */
function modelLabLogTail(ud) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Model Lab\.log$/.test(e.name)) found.push(p);
    }
  };
  try { walk(path.join(ud, 'logs')); } catch { /* no logs yet */ }
  return found.map((f) => `--- ${f}\n${tailOfLog(f, 30)}`).join('\n') || '(no Model Lab log found)';
}

async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function runSession(key, tests, totals) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `modellab-ui-${key}-`));
  console.log(`== ${key} workspace: preparing it (CLI-trained model folder) in ${tmp}`);
  const workspace = prepareWorkspace(tmp);
  const { ext, ud } = prepareProfile(tmp);
  const untrusted = key === 'untrusted';
  const cs = await startCodeServer({ tmp, userDataDir: ud, extensionsDir: ext, untrusted });
  let context;
  let failedHere = 0;
  try {
    context = await launchBrowser(path.join(tmp, 'chromium'), { viewport: { width: 1600, height: 1000 } });
    const page = context.pages()[0] || (await context.newPage());
    const started = Date.now();
    await page.goto(cs.url(workspace));
    await waitForWorkbench(page);
    console.log(`workbench up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const ctx = { page, workspace, root, state: {}, screenshot: undefined };
    for (const test of tests) {
      const n = ++totals.n;
      const base = path.join(artifacts, `${String(n).padStart(2, '0')}-${test.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/-+$/, '')}`);
      ctx.screenshot = (suffix = '') => page.screenshot({ path: `${base}${suffix}.png` });
      const t0 = Date.now();
      try {
        await withTimeout(test.run(ctx), TEST_TIMEOUT_MS, test.name);
        await ctx.screenshot();
        totals.passed++;
        console.log(`  ✔ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        totals.failed++;
        failedHere++;
        console.log(`  ✖ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n      ${String(err && err.message ? err.message : err).split('\n').join('\n      ')}`);
        await ctx.screenshot('-FAILED').catch(() => {});
      }
    }
    if (failedHere) console.log(`Model Lab log:\n${modelLabLogTail(ud)}`);
  } finally {
    if (context) await Promise.race([context.close().catch(() => {}), sleep(10_000)]);
    await cs.stop();
    if (failedHere === 0 && process.env.MODELLAB_UI_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp} (code-server log: ${cs.logFile})`);
  }
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const grep = process.env.MODELLAB_UI_GREP ? new RegExp(process.env.MODELLAB_UI_GREP, 'i') : undefined;
  const tests = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ui.js')).sort()
    .flatMap((f) => { const m = require(path.join(__dirname, f)); return m.tests.map((t) => ({ ...t, file: f, session: m.session })); })
    .filter((t) => !grep || grep.test(t.name));
  fs.mkdirSync(artifacts, { recursive: true });
  for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png')) fs.rmSync(path.join(artifacts, f));

  // Test files with the same `session` ({ untrusted }) share one workbench; each session is a fresh
  // code-server, profile, workspace and browser.
  const sessions = new Map();
  for (const t of tests) {
    const key = t.session && t.session.untrusted ? 'untrusted' : 'trusted';
    if (!sessions.has(key)) sessions.set(key, []);
    sessions.get(key).push(t);
  }
  const totals = { passed: 0, failed: 0, n: 0 };
  for (const [key, group] of sessions) await runSession(key, group, totals);
  const { passed, failed } = totals;
  console.log(`screenshots: ${path.relative(root, artifacts)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`test:ui: ${err && err.stack ? err.stack : err}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
