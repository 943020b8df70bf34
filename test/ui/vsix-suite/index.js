// extensionTestsPath of test/ui/vsixInstall.js: mocha over installed.test.js in the extension host of a
// code-server that has only the INSTALLED .vsix (no development extension). Last line: `<n> passed, <m> failed`.
/* global exports */
'use strict';
const path = require('node:path');

exports.run = function run() {
  const m = require('mocha');
  const Mocha = m.default || m.Mocha || m;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: 'spec' });
  try { require('mocha/lib/reporters/base.js').Base.useColors = false; } catch { /* older layout */ }
  mocha.addFile(path.join(__dirname, 'installed.test.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`${runner.stats ? runner.stats.passes : 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
};
