#!/usr/bin/env node
// A "fake VS Code executable" for @vscode/test-electron's runTests({vscodeExecutablePath}): it takes the desktop
// flags test-electron passes, starts code-server (a real VS Code 1.139.1 server + web workbench, installed by
// .ci/setup-real-vscode.sh) with the smoke-test driver on, opens the workbench in headless Debian chromium via
// playwright-core with a `?payload=` URL carrying extensionDevelopmentPath/extensionTestsPath, prints the
// extension host's console, and exits with the test runner's code. Recipe: ../shared/notes/real-vscode-tests.md §4.
// Env: CODE_SERVER_NODE, CODE_SERVER_ENTRY (required), CHROMIUM (default /usr/bin/chromium),
// PLAYWRIGHT_CORE (module path), MODELLAB_VSCODE_TIMEOUT_S (default 600), MODELLAB_VSCODE_VERBOSE=1 (keep noise).
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

let server; // the code-server child, leader of its own process group
let context; // the browser context
let tmp;

function killServerGroup() {
  // The whole group, even when code-server itself already exited: its file watchers may still run.
  if (server && server.pid) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
}

async function cleanup() {
  if (context) {
    const c = context;
    context = undefined;
    await Promise.race([c.close().catch(() => {}), sleep(10_000)]);
  }
  killServerGroup();
  if (server && server.pid) {
    // Give the group a moment, then make sure nothing is left (file watchers, pty host, extension host).
    for (let i = 0; i < 20; i++) {
      try { process.kill(-server.pid, 0); } catch { break; }
      await sleep(250);
    }
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

function tailOfLog(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function main() {
  const nodeBin = process.env.CODE_SERVER_NODE;
  const entry = process.env.CODE_SERVER_ENTRY;
  if (!nodeBin || !entry || !fs.existsSync(nodeBin) || !fs.existsSync(entry)) {
    throw new Error('CODE_SERVER_NODE and CODE_SERVER_ENTRY must name the files installed by .ci/setup-real-vscode.sh ' +
      '(run: . <(bash .ci/setup-real-vscode.sh))');
  }
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath) throw new Error('no --extensionTestsPath= given');

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modellab-code-shim-'));
  const port = await freePort();
  fs.writeFileSync(path.join(tmp, 'cs.yaml'), 'auth: none\n');
  const userDataDir = args.userDataDir || path.join(tmp, 'ud');
  const extensionsDir = args.extensionsDir || path.join(tmp, 'ext');
  const csLog = path.join(tmp, 'cs.log');
  const logFd = fs.openSync(csLog, 'a');
  const csArgs = [
    entry,
    '--config', path.join(tmp, 'cs.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--vscode-option', 'enable-smoke-test-driver', // required: without it the URL payload is ignored
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  server = spawn(nodeBin, csArgs, { detached: true, stdio: ['ignore', logFd, logFd], env: process.env });
  fs.closeSync(logFd);
  let serverExit;
  const serverExited = new Promise((resolve) => server.on('exit', (code, signal) => {
    serverExit = code ?? signal;
    resolve();
  }));

  let up = false;
  for (let i = 0; i < HEALTH_TRIES && serverExit === undefined; i++) {
    if (await healthy(port)) { up = true; break; }
    await sleep(500);
  }
  if (!up) {
    throw new Error(serverExit !== undefined
      ? `code-server exited (${serverExit}) before answering /healthz on port ${port}; log:\n${tailOfLog(csLog)}`
      : `code-server did not answer /healthz on port ${port} within ${HEALTH_TRIES / 2} s; log:\n${tailOfLog(csLog)}`);
  }

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ...args.devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]),
    ['extensionTestsPath', remote(args.testsPath)],
  ];

  const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
  context = await chromium.launchPersistentContext(path.join(tmp, 'chromium'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] || (await context.newPage());

  const verbose = process.env.MODELLAB_VSCODE_VERBOSE === '1';
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationLog', (_type, logArgs) => {
    const text = util.format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
    if (!verbose && NOISE.some((re) => re.test(text))) return;
    process.stdout.write((process.stdout.isTTY ? text : text.replace(ANSI, '')) + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));

  const where = args.folder ? `folder=${encodeURIComponent(args.folder)}` : 'ew=true';
  await page.goto(`http://127.0.0.1:${port}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`);

  let timer;
  let settled = false;
  exited.then(() => (settled = true));
  const code = await Promise.race([
    exited,
    new Promise((resolve) => (timer = setTimeout(() => {
      log(`no test result within ${TEST_TIMEOUT_MS / 1000} s; code-server log tail:\n${tailOfLog(csLog)}`);
      resolve(1);
    }, TEST_TIMEOUT_MS))),
    // The workbench stops the server as it reports the result: give the report a moment to arrive first.
    serverExited.then(() => sleep(3000)).then(() => {
      if (!settled) log(`code-server exited (${serverExit}) before the tests finished; log:\n${tailOfLog(csLog)}`);
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

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { log(`got ${sig}, stopping code-server`); finish(1); });
}
main().then(finish, (err) => {
  log(err && err.stack ? err.stack : String(err));
  finish(2);
});
