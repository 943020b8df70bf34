// The extension-test entry that VS Code loads in its extension host (extensionTestsPath): runs the selected
// test/vscode/suite/*.vscode.js with mocha and prints `<passes> passed, <failures> failed` alone on the last line.
// MODELLAB_VSCODE_SUITE selects the files: a comma-separated list of base names (`trust` or `trust.vscode.js`).
// Unset: every *.vscode.js except trust.vscode.js, which needs an untrusted workspace (runTest.js runs it
// separately with MODELLAB_VSCODE_TRUST=untrusted).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const UNTRUSTED_ONLY = new Set(['trust.vscode.js']);

function loadMocha() {
  const m = require('mocha'); // mocha 12 is ESM; the extension host's Node (24) loads it with require()
  return m.default || m.Mocha || m;
}

function selectedFiles() {
  const all = fs.readdirSync(__dirname).filter((f) => f.endsWith('.vscode.js')).sort();
  const wanted = (process.env.MODELLAB_VSCODE_SUITE || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return all.filter((f) => !UNTRUSTED_ONLY.has(f));
  const names = wanted.map((w) => (w.endsWith('.vscode.js') ? w : `${w}.vscode.js`));
  const missing = names.filter((n) => !all.includes(n));
  if (missing.length) throw new Error(`MODELLAB_VSCODE_SUITE names no such file: ${missing.join(', ')} (have: ${all.join(', ')})`);
  return names;
}

exports.run = function run() {
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // mocha 12's built-in reporters use the ESM copy of Base, which `color: false` does not reach: plain text for CI logs.
  try { require('mocha/lib/reporters/base.js').Base.useColors = false; } catch { /* older layout: `color` suffices */ }
  const files = selectedFiles();
  console.log(`suite files: ${files.join(', ')}`);
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passes = runner.stats ? runner.stats.passes : 0;
        console.log(`${passes} passed, ${failures} failed`);
        if (files.length === 0) reject(new Error('no test/vscode/suite/*.vscode.js files'));
        else if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      console.error(err);
      reject(err);
    }
  });
};
