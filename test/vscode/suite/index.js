// The extension-test entry that VS Code loads in its extension host (extensionTestsPath): runs every
// test/vscode/suite/*.vscode.js with mocha and prints `<passes> passed, <failures> failed` alone on the last line.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function loadMocha() {
  const m = require('mocha'); // mocha 12 is ESM; the extension host's Node (24) loads it with require()
  return m.default || m.Mocha || m;
}

exports.run = function run() {
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // mocha 12's built-in reporters use the ESM copy of Base, which `color: false` does not reach: plain text for CI logs.
  try { require('mocha/lib/reporters/base.js').Base.useColors = false; } catch { /* older layout: `color` suffices */ }
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.vscode.js')).sort();
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
