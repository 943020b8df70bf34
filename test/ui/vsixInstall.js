#!/usr/bin/env node
// CI check of the packaged extension: installs model-lab-<version>.vsix (npm run package) into a fresh
// code-server extensions dir with `code-server --install-extension`, starts code-server on a workspace holding
// the iris example's modellab.yaml WITHOUT the repository as extensionDevelopmentPath, and runs
// test/ui/vsix-suite in its extension host: the installed copy is the one that activates, its packaged
// natives load (onnxruntime-node, webgpu, esbuild) and its runtime trains and predicts, with no npm install.
// (VS Code runs extensionTestsPath only alongside some extensionDevelopmentPath: the payload names
// test/ui/vsix-suite/driver, an empty extension with another id, so Model Lab is the installed copy.)
// Usage: node test/ui/vsixInstall.js [path/to/x.vsix]    (needs CODE_SERVER_NODE/CODE_SERVER_ENTRY)
// Exit code: 0 passed, 1 failed.
/* global setTimeout, clearTimeout */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startCodeServer, launchBrowser, printHostLog, tailOfLog, sleep } = require('../code-shim.js');

const root = path.resolve(__dirname, '..', '..');
const TIMEOUT_MS = 240_000;

async function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.resolve(process.argv[2] || path.join(root, `${pkg.name}-${pkg.version}.vsix`));
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found: run \`npm run package\` first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modellab-vsix-'));
  const ext = path.join(tmp, 'ext');
  const ud = path.join(tmp, 'ud');
  fs.writeFileSync(path.join(tmp, 'cs-install.yaml'), 'auth: none\n');

  console.log(`== installing ${path.basename(vsix)} into a fresh extensions dir`);
  const started = Date.now();
  const install = spawnSync(process.env.CODE_SERVER_NODE, [process.env.CODE_SERVER_ENTRY,
    '--config', path.join(tmp, 'cs-install.yaml'), '--user-data-dir', ud, '--extensions-dir', ext,
    '--install-extension', vsix], { encoding: 'utf8' });
  process.stdout.write(install.stdout || '');
  if (install.status !== 0) throw new Error(`--install-extension exited ${install.status}: ${install.stderr}`);
  const installed = fs.readdirSync(ext).filter((d) => d.startsWith(`${pkg.publisher}.${pkg.name}-`));
  if (installed.length !== 1) throw new Error(`expected one ${pkg.publisher}.${pkg.name}-* folder in ${ext}, found: ${fs.readdirSync(ext).join(', ')}`);
  const extDir = path.join(ext, installed[0]);
  console.log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${extDir}`);
  if (fs.existsSync(path.join(extDir, 'src')) || fs.existsSync(path.join(extDir, 'test'))) throw new Error('sources were installed');

  const workspace = path.join(tmp, 'iris');
  fs.cpSync(path.join(root, 'examples', 'iris'), workspace, { recursive: true, filter: (s) => !s.includes(`${path.sep}.modellab`) });

  console.log('== code-server with the installed extension (the repository is not a development extension)');
  const cs = await startCodeServer({ tmp, userDataDir: ud, extensionsDir: ext, env: {
    ...process.env, MODELLAB_VSIX_EXTENSIONS_DIR: ext, MODELLAB_TEST_WORKSPACE: workspace,
  } });
  let context;
  let code = 1;
  try {
    context = await launchBrowser(path.join(tmp, 'chromium'));
    const page = context.pages()[0] || (await context.newPage());
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (_t, args) => printHostLog(args));
    await page.exposeFunction('codeAutomationExit', (c) => resolveExit(Number(c)));
    await page.goto(cs.url(workspace, [
      ['extensionDevelopmentPath', cs.remote(path.join(__dirname, 'vsix-suite', 'driver'))],
      ['extensionTestsPath', cs.remote(path.join(__dirname, 'vsix-suite', 'index.js'))],
    ]));
    let timer;
    code = await Promise.race([
      exited,
      new Promise((r) => (timer = setTimeout(() => { console.error(`no result within ${TIMEOUT_MS / 1000} s`); r(1); }, TIMEOUT_MS))),
      cs.exited.then(() => sleep(3000)).then(() => 1),
    ]);
    clearTimeout(timer);
  } finally {
    if (context) await Promise.race([context.close().catch(() => {}), sleep(10_000)]);
    await cs.stop();
    if (code !== 0) console.error(`code-server log tail:\n${tailOfLog(cs.logFile)}\n(kept in ${tmp})`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`vsix install check: ${code === 0 ? 'passed' : 'FAILED'}`);
  return code;
}

main().then((c) => process.exit(c ? 1 : 0), (err) => {
  console.error(`vsix install check: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
