#!/usr/bin/env node
// A "fake VS Code executable" for @vscode/test-electron's runTests({vscodeExecutablePath}): it takes the desktop
// flags test-electron passes, starts code-server (a real VS Code 1.139.1 server + web workbench, installed by
// .ci/setup-real-vscode.sh) with the smoke-test driver on, opens the workbench in headless Debian chromium via
// playwright-core with a `?payload=` URL carrying extensionDevelopmentPath/extensionTestsPath, prints the
// extension host's console, and exits with the test runner's code. Recipe: ../shared/notes/real-vscode-tests.md §4.
// Env: CODE_SERVER_NODE, CODE_SERVER_ENTRY (required), CHROMIUM (default /usr/bin/chromium),
// PLAYWRIGHT_CORE (module path), MODELLAB_VSCODE_TIMEOUT_S (default 600), MODELLAB_VSCODE_VERBOSE=1 (keep noise),
// MODELLAB_VSCODE_TRUST=untrusted (workspace trust on, no startup prompt: the folder opens in Restricted Mode),
// MODELLAB_VSCODE_KEEP_TMP=1 (keep the temp dir with cs.log). Also a module: test/ui/ and bench/extension/ use
// startCodeServer/launchBrowser from it.
// Note: the web workbench honours ONE extensionDevelopmentPath (given several, only the last loads); install
// further extensions into --extensions-dir instead (a folder or symlink named <publisher>.<name>-<version>).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');

const HEALTH_TRIES = 120; // every 500 ms: 60 s
const TEST_TIMEOUT_MS = Number(process.env.MODELLAB_VSCODE_TIMEOUT_S || 600) * 1000;
// Harmless offline log noise (see the notes' Pitfalls) and the workbench's own chatter; MODELLAB_VSCODE_VERBOSE=1 keeps it.
const NOISE = [
  /authentication provider 'github'/i,
  /ENOTFOUND/,
  /open-vsx\.org/,
  /^\[(AgentHost[^\]]*|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)\]/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket \(/,
  /^Updating additional builtin extensions cache/,
];

function log(...args) {
  process.stderr.write(`[code-shim] ${util.format(...args)}\n`);
}

function parseArgs(argv) {
  const out = { devPaths: [], testsPath: undefined, userDataDir: undefined, extensionsDir: undefined, folder: undefined };
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/s.exec(arg);
    if (m) {
      const [, name, value] = m;
      if (name === 'extensionDevelopmentPath') out.devPaths.push(path.resolve(value));
      else if (name === 'extensionTestsPath') out.testsPath = path.resolve(value);
      else if (name === 'user-data-dir') out.userDataDir = path.resolve(value);
      else if (name === 'extensions-dir') out.extensionsDir = path.resolve(value);
    } else if (!arg.startsWith('-')) {
      out.folder = path.resolve(arg);
    }
  }
  return out;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      // {"status":"expired"} until a client connects, then "alive": any 200 with a status means it is serving.
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"status"')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'); // colour codes, dropped when stdout is not a terminal
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

function tailOfLog(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Workspace trust on, and no startup prompt: a folder the (fresh) profile has never trusted opens in Restricted
 * Mode. Merged into <user-data-dir>/User/settings.json, which code-server reads as the user settings.
 */
function writeUntrustedSettings(userDataDir) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  let settings = {};
  try { settings = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* none yet */ }
  Object.assign(settings, {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false,
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

/**
 * Starts code-server (its own process group) and waits until it serves. Used by this shim, test/ui/ and
 * bench/extension/. Options: tmp (a folder for cs.yaml, cs.log and default profile dirs), userDataDir,
 * extensionsDir, untrusted (workspace trust on: the folder opens in Restricted Mode), env.
 * Returns { port, logFile, userDataDir, extensionsDir, server, exited (a promise), exitInfo(), remote(path),
 * url(folder, payload), stop() }.
 */
async function startCodeServer(opts) {
  const nodeBin = process.env.CODE_SERVER_NODE;
  const entry = process.env.CODE_SERVER_ENTRY;
  if (!nodeBin || !entry || !fs.existsSync(nodeBin) || !fs.existsSync(entry)) {
    throw new Error('CODE_SERVER_NODE and CODE_SERVER_ENTRY must name the files installed by .ci/setup-real-vscode.sh ' +
      '(run: . <(bash .ci/setup-real-vscode.sh))');
  }
  const tmpDir = opts.tmp;
  const port = await freePort();
  fs.writeFileSync(path.join(tmpDir, 'cs.yaml'), 'auth: none\n');
  const userDataDir = opts.userDataDir || path.join(tmpDir, 'ud');
  const extensionsDir = opts.extensionsDir || path.join(tmpDir, 'ext');
  const logFile = path.join(tmpDir, 'cs.log');
  const logFd = fs.openSync(logFile, 'a');
  if (opts.untrusted) writeUntrustedSettings(userDataDir);
  const csArgs = [
    entry,
    '--config', path.join(tmpDir, 'cs.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check',
    ...(opts.untrusted ? [] : ['--disable-workspace-trust']),
    '--vscode-option', 'enable-smoke-test-driver', // required: without it the URL payload is ignored
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  const child = spawn(nodeBin, csArgs, { detached: true, stdio: ['ignore', logFd, logFd], env: opts.env || process.env });
  fs.closeSync(logFd);
  let exit;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    exit = code ?? signal;
    resolve(exit);
  }));
  const handle = {
    port, logFile, userDataDir, extensionsDir, server: child, exited,
    exitInfo: () => exit,
    remote: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
    url: (folder, payload) => `http://127.0.0.1:${port}/?${folder ? `folder=${encodeURIComponent(folder)}` : 'ew=true'}` +
      (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''),
    stop: () => stopGroup(child),
  };
  for (let i = 0; i < HEALTH_TRIES && exit === undefined; i++) {
    if (await healthy(port)) return handle;
    await sleep(500);
  }
  await stopGroup(child);
  throw new Error(exit !== undefined
    ? `code-server exited (${exit}) before answering /healthz on port ${port}; log:\n${tailOfLog(logFile)}`
    : `code-server did not answer /healthz on port ${port} within ${HEALTH_TRIES / 2} s; log:\n${tailOfLog(logFile)}`);
}

/** SIGTERM to the whole process group (file watchers, pty host, extension host), then SIGKILL what is left. */
async function stopGroup(child) {
  if (!child || !child.pid) return;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 20; i++) {
    try { process.kill(-child.pid, 0); } catch { return; }
    await sleep(250);
  }
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Headless Debian chromium through playwright-core, a persistent profile in profileDir. */
async function launchBrowser(profileDir, extra = {}) {
  const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...extra,
  });
}

/** Prints one line of the extension host's console (codeAutomationLog), noise filtered unless verbose. */
function printHostLog(logArgs, write = (t) => process.stdout.write(t)) {
  const text = util.format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
  if (process.env.MODELLAB_VSCODE_VERBOSE !== '1' && NOISE.some((re) => re.test(text))) return;
  write((process.stdout.isTTY ? text : text.replace(ANSI, '')) + '\n');
}

let cs; // the code-server handle
let context; // the browser context
let tmp;

async function cleanup() {
  if (context) {
    const c = context;
    context = undefined;
    await Promise.race([c.close().catch(() => {}), sleep(10_000)]);
  }
  if (cs) await cs.stop();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath) throw new Error('no --extensionTestsPath= given');

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modellab-code-shim-'));
  cs = await startCodeServer({
    tmp,
    userDataDir: args.userDataDir,
    extensionsDir: args.extensionsDir,
    untrusted: process.env.MODELLAB_VSCODE_TRUST === 'untrusted',
  });
  const payload = [
    ...args.devPaths.map((p) => ['extensionDevelopmentPath', cs.remote(p)]),
    ['extensionTestsPath', cs.remote(args.testsPath)],
  ];

  context = await launchBrowser(path.join(tmp, 'chromium'));
  const page = context.pages()[0] || (await context.newPage());

  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationLog', (_type, logArgs) => printHostLog(logArgs));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));

  await page.goto(cs.url(args.folder, payload));

  let timer;
  let settled = false;
  exited.then(() => (settled = true));
  const code = await Promise.race([
    exited,
    new Promise((resolve) => (timer = setTimeout(() => {
      log(`no test result within ${TEST_TIMEOUT_MS / 1000} s; code-server log tail:\n${tailOfLog(cs.logFile)}`);
      resolve(1);
    }, TEST_TIMEOUT_MS))),
    // The workbench stops the server as it reports the result: give the report a moment to arrive first.
    cs.exited.then(() => sleep(3000)).then(() => {
      if (!settled) log(`code-server exited (${cs.exitInfo()}) before the tests finished; log:\n${tailOfLog(cs.logFile)}`);
      return 1;
    }),
  ]);
  settled = true;
  clearTimeout(timer);
  return code;
}

let finishing = false;
function finish(code) {
  if (finishing) return;
  finishing = true;
  cleanup()
    .catch((e) => log('cleanup:', e))
    .finally(() => {
      if (tmp && code === 0 && process.env.MODELLAB_VSCODE_KEEP_TMP !== '1') {
        try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* best effort */ }
      } else if (tmp) {
        log(`logs kept in ${tmp}`);
      }
      process.exit(code);
    });
}

module.exports = { startCodeServer, stopGroup, launchBrowser, printHostLog, writeUntrustedSettings, tailOfLog, freePort, sleep };

if (require.main === module) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => { log(`got ${sig}, stopping code-server`); finish(1); });
  }
  main().then(finish, (err) => {
    log(err && err.stack ? err.stack : String(err));
    finish(2);
  });
}
