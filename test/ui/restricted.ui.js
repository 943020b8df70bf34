// UI tests in an UNTRUSTED workspace (Restricted Mode; runUi.js starts this session with workspace trust on
// and never granted): what the user sees. The command palette does not offer Train (enablement
// isWorkspaceTrusted); the spec's ▶ Train CodeLens, which runs the command directly, shows why it is
// disabled and starts nothing; viewing (Show Runtime Log, the Model Lab views) works.
/* global exports */
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { sleep, waitFor, openFile, runCommand, closeQuickInput, waitForNotification, openViewContainer, treeRows } = require('./workbench.js');

exports.session = { untrusted: true };

exports.tests = [
  {
    name: 'an untrusted folder opens in Restricted Mode',
    async run({ page }) {
      await waitFor('"Restricted Mode" in the status bar', async () =>
        /Restricted Mode/.test(await page.locator('.part.statusbar').innerText()), 30_000, 500);
    },
  },
  {
    name: 'Restricted Mode: the palette offers no Model Lab Train, but Show Runtime Log works',
    async run({ page }) {
      await runCommand(page, 'Model Lab: Show Runtime Log');
      await waitFor('the Output panel showing "Model Lab activated"', async () =>
        /Model Lab activated in/.test((await page.locator('.part.panel').innerText().catch(() => '')).replace(/\u00a0/g, ' ')), 20_000);
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Model Lab: Train');
      await sleep(1500);
      const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
      await closeQuickInput(page);
      assert.ok(!labels.includes('Model Lab: Train'), `the palette offers Train: ${labels.join(' | ')}`);
    },
  },
  {
    name: 'Restricted Mode: the ▶ Train CodeLens explains why and starts no run',
    async run({ page, workspace, screenshot }) {
      await openFile(page, 'modellab.yaml');
      const train = page.locator('.monaco-editor .codelens-decoration a', { hasText: /Train/ }).first();
      await train.waitFor({ state: 'visible', timeout: 30_000 });
      await train.click();
      const text = await waitForNotification(page, /disabled until you trust the workspace/i, 20_000);
      console.log(`      notification: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
      await screenshot('-a-warning');
      await sleep(2000);
      const runs = path.join(workspace, '.modellab', 'runs');
      assert.deepEqual(fs.existsSync(runs) ? fs.readdirSync(runs) : [], [], 'a run folder appeared');
      const status = await page.locator('.part.statusbar').innerText();
      assert.ok(!/running/.test(status), `the status bar shows a running job: ${status}`);
    },
  },
  {
    name: 'Restricted Mode: the Model Lab views still show',
    async run({ page }) {
      await openViewContainer(page, 'Model Lab');
      const rows = await treeRows(page, 'Runs & Studies');
      const body = await page.locator('.part.sidebar').innerText();
      console.log(`      Runs & Studies rows: ${rows.length}; side bar: ${body.replace(/\s+/g, ' ').slice(0, 160)}`);
      assert.match(body, /Runs & Studies/i);
      assert.match(body, /Endpoints/i);
    },
  },
];
