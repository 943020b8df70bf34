/**
 * Activation time of the Model Lab extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1,
 * Node 24 extension host), over several cold starts (a fresh code-server, profile and browser each time),
 * with baselines measured in the same run:
 *
 * - `activate()` body: the API's `activationMs` (performance.now() around the extension's own wiring);
 * - extension host: its perf marks `code/extHost/{will,did}LoadExtensionCode/<id>` and
 *   `…/{will,did}ActivateExtension/<id>` (millisecond resolution) = code loading + activate call, what
 *   "Developer: Show Running Extensions" reports;
 * - baseline 1: a trivial extension (empty activate, same activation event) loaded beside it in the same host;
 * - baseline 2: the built-in extensions the host activated at startup (median of their load + activate);
 * - baseline 3: plain Node 24, `require('dist/extension.js')` with a stub `vscode` module, in a fresh
 *   process each time (no VS Code at all): the bundle's code-loading cost alone.
 *
 * Target: the extension's own activation under 50 ms. Prints medians and ratios.
 * Run: npm run bench:extension   (production build first; needs code-server: .ci/setup-real-vscode.sh)
 * Env: MODELLAB_BENCH_STARTS (cold starts, default 5).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface CodeServer {
  port: number;
  logFile: string;
  exited: Promise<unknown>;
  remote(p: string): string;
  url(folder: string, payload: [string, string][]): string;
  stop(): Promise<void>;
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Page {
  exposeFunction(name: string, fn: (...args: unknown[]) => unknown): Promise<void>;
  goto(url: string): Promise<unknown>;
}
interface Shim {
  startCodeServer(opts: { tmp: string; userDataDir?: string; extensionsDir?: string }): Promise<CodeServer>;
  launchBrowser(profileDir: string): Promise<BrowserContext>;
  tailOfLog(file: string, lines?: number): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shim = require('../../test/code-shim.js') as Shim;

const root = resolve(__dirname, '..', '..');
const STARTS = Number(process.env.MODELLAB_BENCH_STARTS || 5);
const ID = 'model-lab.model-lab';
const TRIVIAL_ID = 'model-lab-bench.trivial';

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HostSample {
  activationMs: number;
  load: Record<string, number>;
  activate: Record<string, number>;
  startupBuiltins: string[];
}

/** The trivial extension: same activation event, an empty activate. */
function writeTrivialExtension(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'trivial', publisher: 'model-lab-bench', version: '0.0.0', engines: { vscode: '^1.90.0' },
    main: './extension.js', activationEvents: ['workspaceContains:**/modellab.yaml'],
  }));
  writeFileSync(join(dir, 'extension.js'), `'use strict';
exports.activate = function () { const t = performance.now(); return { activationMs: performance.now() - t }; };
`);
}

/** extensionTestsPath: waits for both extensions, reads the host's perf marks, prints one BENCH line. */
function writePayload(file: string): void {
  writeFileSync(file, `'use strict';
const vscode = require('vscode');
exports.run = async function () {
  const ids = [${JSON.stringify(ID)}, ${JSON.stringify(TRIVIAL_ID)}];
  for (let i = 0; i < 300; i++) {
    if (ids.every((id) => { const e = vscode.extensions.getExtension(id); return e && e.isActive; })) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  const marks = (globalThis.MonacoPerformanceMarks ? globalThis.MonacoPerformanceMarks.getMarks() : []);
  const at = (name) => { const m = marks.find((x) => x.name === name); return m ? m.startTime : undefined; };
  const load = {}, activate = {};
  for (const m of marks) {
    const w = /^code\\/extHost\\/willLoadExtensionCode\\/(.+)$/.exec(m.name);
    if (w) { const d = at('code/extHost/didLoadExtensionCode/' + w[1]); if (d !== undefined) load[w[1]] = d - m.startTime; }
    const a = /^code\\/extHost\\/willActivateExtension\\/(.+)$/.exec(m.name);
    if (a) { const d = at('code/extHost/didActivateExtension/' + a[1]); if (d !== undefined) activate[a[1]] = d - m.startTime; }
  }
  const ext = vscode.extensions.getExtension(ids[0]);
  const startupBuiltins = Object.keys(activate).filter((id) => id.startsWith('vscode.'));
  console.log('BENCH ' + JSON.stringify({ activationMs: ext && ext.isActive ? ext.exports.activationMs : null, load, activate, startupBuiltins }));
};
`);
}

async function coldStart(i: number): Promise<HostSample> {
  const tmp = mkdtempSync(join(tmpdir(), `modellab-bench-act-${i}-`));
  const ws = join(tmp, 'iris');
  cpSync(join(root, 'examples', 'iris'), ws, { recursive: true, filter: (s) => !s.includes('.modellab') });
  // Both extensions installed side by side in the extensions dir (Model Lab as a symlink to the repository,
  // so its production dist/ is what loads). The web workbench takes one extensionDevelopmentPath only: that
  // is an empty driver extension, needed for extensionTestsPath to run.
  const ext = join(tmp, 'ext');
  mkdirSync(ext, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  symlinkSync(root, join(ext, `${ID}-${pkg.version}`), 'dir');
  writeTrivialExtension(join(ext, `${TRIVIAL_ID}-0.0.0`));
  const driver = join(tmp, 'driver');
  mkdirSync(driver);
  writeFileSync(join(driver, 'package.json'), JSON.stringify({ name: 'driver', publisher: 'model-lab-bench', version: '0.0.0', engines: { vscode: '^1.90.0' } }));
  const payload = join(tmp, 'payload.js');
  writePayload(payload);
  const cs = await shim.startCodeServer({ tmp, extensionsDir: ext });
  let context: BrowserContext | undefined;
  try {
    context = await shim.launchBrowser(join(tmp, 'chromium'));
    const page = context.pages()[0] || (await context.newPage());
    let sample: HostSample | undefined;
    let exitCode: number | undefined;
    await page.exposeFunction('codeAutomationLog', (_type: unknown, args: unknown) => {
      const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
      if (text.startsWith('BENCH ')) sample = JSON.parse(text.slice(6)) as HostSample;
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => { exitCode = Number(code); });
    await page.goto(cs.url(ws, [
      ['extensionDevelopmentPath', cs.remote(driver)],
      ['extensionTestsPath', cs.remote(payload)],
    ]));
    for (let t = 0; t < 240 && exitCode === undefined; t++) await sleep(500);
    if (!sample) throw new Error(`cold start ${i}: no measurement (exit ${exitCode}); log:\n${shim.tailOfLog(cs.logFile)}`);
    return sample;
  } finally {
    if (context) await Promise.race([context.close().catch(() => {}), sleep(10_000)]);
    await cs.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Plain Node: require(dist/extension.js) with a stub `vscode` module, in a fresh process (code loading only). */
function plainNodeRequireMs(node: string): number {
  const script = `
const Module = require('node:module');
const stub = () => new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : stub()), apply: () => stub(), construct: () => stub() });
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub() : load.call(this, request, ...rest); };
const t0 = performance.now();
require(${JSON.stringify(join(root, 'dist', 'extension.js'))});
console.log(performance.now() - t0);
`;
  const r = spawnSync(node, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  return Number((r.stdout || '').trim().split('\n').pop());
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

async function main(): Promise<void> {
  const node24 = process.env.CODE_SERVER_NODE;
  if (!node24 || !process.env.CODE_SERVER_ENTRY) throw new Error('CODE_SERVER_NODE/CODE_SERVER_ENTRY unset: run via `npm run bench:extension`');
  const csVersion = JSON.parse(readFileSync(join(process.env.CODE_SERVER_ENTRY, '..', '..', '..', 'package.json'), 'utf8')).version as string;
  const bundleKiB = readFileSync(join(root, 'dist', 'extension.js')).length / 1024;
  console.log(`bench/extension activation: ${STARTS} cold starts of code-server ${csVersion}; dist/extension.js ${bundleKiB.toFixed(0)} KiB; ` +
    `${cpus().length}× ${cpus()[0]?.model}; load average ${loadavg()[0].toFixed(1)}`);

  const samples: HostSample[] = [];
  for (let i = 1; i <= STARTS; i++) {
    const t0 = Date.now();
    const s = await coldStart(i);
    samples.push(s);
    console.log(`  start ${i}: activationMs ${fmt(s.activationMs)}; host load+activate: Model Lab ${fmt((s.load[ID] ?? NaN) + (s.activate[ID] ?? NaN))} ms ` +
      `(load ${s.load[ID]}, activate ${s.activate[ID]}), trivial ${fmt((s.load[TRIVIAL_ID] ?? NaN) + (s.activate[TRIVIAL_ID] ?? NaN))} ms; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const plain = Array.from({ length: STARTS }, () => plainNodeRequireMs(node24));

  const apiMs = median(samples.map((s) => s.activationMs));
  const hostMs = median(samples.map((s) => (s.load[ID] ?? NaN) + (s.activate[ID] ?? NaN)));
  const hostLoad = median(samples.map((s) => s.load[ID] ?? NaN));
  const hostAct = median(samples.map((s) => s.activate[ID] ?? NaN));
  const trivialMs = median(samples.map((s) => (s.load[TRIVIAL_ID] ?? NaN) + (s.activate[TRIVIAL_ID] ?? NaN)));
  const builtinIds = [...new Set(samples.flatMap((s) => s.startupBuiltins))];
  const builtinMs = median(samples.flatMap((s) => builtinIds.map((id) => (s.load[id] ?? NaN) + (s.activate[id] ?? NaN))));
  const requireMs = median(plain);

  console.log('');
  console.log('| measure (median of cold starts) | ms | ratio |');
  console.log('|---|---|---|');
  console.log(`| Model Lab \`activate()\` body (API activationMs) | ${fmt(apiMs)} | ${ratio(apiMs, 50)} of the 50 ms target |`);
  console.log(`| Model Lab in the extension host: load + activate (perf marks, 1 ms resolution) | ${fmt(hostMs)} (load ${fmt(hostLoad)}, activate ${fmt(hostAct)}) | ${ratio(hostMs, 50)} of the target |`);
  console.log(`| trivial extension, same host, same event | ${fmt(trivialMs)} | Model Lab − trivial = ${fmt(hostMs - trivialMs)} ms |`);
  console.log(`| built-in extensions activated at startup (${builtinIds.length}: ${builtinIds.join(', ')}) | ${fmt(builtinMs)} | Model Lab / built-in ${ratio(hostMs, builtinMs)} |`);
  console.log(`| plain Node 24: require(dist/extension.js), stub vscode | ${fmt(requireMs)} | host load / plain require ${ratio(hostLoad, requireMs)} |`);
  const verdict = Number.isFinite(hostMs) && hostMs < 50 && apiMs < 50;
  console.log(`\nModel Lab activation: ${fmt(hostMs)} ms in the host (${fmt(apiMs)} ms in activate()): target < 50 ms ${verdict ? 'met' : 'NOT met'}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
