// UI tests of Model Lab in the real workbench, in order (they share one window; see runUi.js):
// the runtime log from the palette; the spec's CodeLens; Train from the palette with the spec open → the experiment panel opens
// and its chart grows, the panel's Stop cancels it; the Runs & Studies tree lists the run; Explorer → Model Lab → Serve Model Folder on a
// model folder → notification + Endpoints tree entry + the endpoint answers; Stop Endpoint.
/* global document, exports, fetch */
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const {
  sleep, waitFor, runCommand, openFile, closeQuickInput, notifications, waitForNotification, webviewFrame,
  explorerContextMenu, openViewContainer, treeRows,
} = require('./workbench.js');

/** What the run view shows now: progress text ("Epoch 12 / 400 · …"), state badge, charts (count + pixel hash). */
async function runViewSnapshot(frame) {
  return frame.evaluate(() => {
    const text = (sel) => (document.querySelector(sel) || {}).textContent || '';
    const canvases = [...document.querySelectorAll('.run-charts canvas')];
    return {
      progress: text('[data-role=run-progress]'),
      state: text('[data-role=run-state]'),
      name: text('[data-role=run-name]'),
      canvases: canvases.length,
      pixels: canvases.map((c) => { try { return c.toDataURL(); } catch { return ''; } }).join('|'),
    };
  }).then((s) => ({ ...s, pixels: crypto.createHash('sha1').update(s.pixels).digest('hex').slice(0, 12), epoch: epochOf(s.progress) }));
}

function epochOf(progress) {
  const m = /Epoch (\d+)/.exec(progress);
  return m ? Number(m[1]) : undefined;
}

exports.tests = [
  {
    name: 'Show Runtime Log from the command palette',
    async run({ page }) {
      await runCommand(page, 'Model Lab: Show Runtime Log');
      const panel = page.locator('.part.panel');
      await waitFor('the Output panel showing "Model Lab activated"', async () =>
        // Monaco renders spaces as U+00A0.
        /Model Lab activated in/.test((await panel.innerText().catch(() => '')).replace(/\u00a0/g, ' ')), 20_000);
    },
  },
  {
    name: 'the job spec shows its Train and Tune CodeLens',
    async run({ page }) {
      await openFile(page, 'modellab.yaml');
      const lenses = await waitFor('CodeLens above the spec', async () => {
        const t = (await page.locator('.monaco-editor .codelens-decoration').allInnerTexts()).join(' | ').replace(/\u00a0/g, ' ');
        return /Train/.test(t) && /Tune/.test(t) ? t : undefined;
      }, 30_000, 500);
      console.log(`      CodeLens: ${lenses}`);
    },
  },
  {
    name: 'Train from the palette opens the experiment panel, its chart grows, its Stop button cancels the run',
    async run({ page, state, screenshot }) {
      await openFile(page, 'modellab.yaml');
      await runCommand(page, 'Model Lab: Train');
      // The panel opens on its own when the run starts (modelLab.experiments.openOnStart).
      const frame = await webviewFrame(page, '[data-role=run-progress]', 90_000);
      const tab = page.locator('.tabs-container .tab.active');
      state.panelTab = (await tab.innerText().catch(() => '')).trim();
      // Two moments with more epochs done and the chart redrawn in between.
      const first = await waitFor('a first epoch on the chart', async () => {
        const s = await runViewSnapshot(frame);
        return s.canvases > 0 && s.epoch > 0 ? s : undefined;
      }, 90_000, 500);
      await screenshot('-a-first-epochs');
      const statusBar = (await page.locator('.part.statusbar').innerText()).replace(/\s+/g, ' ');
      console.log(`      status bar while training: ${statusBar}`);
      assert.match(statusBar, /running/, 'the status bar does not show the running job');
      const second = await waitFor('more epochs and a redrawn chart', async () => {
        const s = await runViewSnapshot(frame);
        return s.epoch >= first.epoch + 5 && s.pixels !== first.pixels ? s : undefined;
      }, 90_000, 1000);
      console.log(`      panel tab "${state.panelTab}": ${first.progress} (chart ${first.pixels}) → ${second.progress} (chart ${second.pixels}); ${second.canvases} chart canvas(es)`);
      // The panel's Stop button ends the run: cancelled, with its epochs kept.
      await frame.getByRole('button', { name: 'Stop', exact: true }).click();
      const done = await waitFor('the run to end after Stop', async () => {
        const s = await runViewSnapshot(frame);
        return /succeeded|failed|cancelled/.test(s.state) ? s : undefined;
      }, 60_000, 1000);
      assert.equal(done.state.trim(), 'cancelled', `run ended ${done.state}: ${done.progress}`);
      assert.equal(await page.locator('.part.statusbar').innerText().then((t) => /running/.test(t)), false, 'the status bar still shows a running job');
      state.runName = done.name.trim();
      state.runState = done.state.trim();
      console.log(`      stopped: ${done.name} ${done.state} · ${done.progress}`);
    },
  },
  {
    name: 'the Model Lab view container lists the run in Runs & Studies',
    async run({ page, state }) {
      await openViewContainer(page, 'Model Lab');
      const rows = await waitFor('a run row in Runs & Studies', async () => {
        const r = await treeRows(page, 'Runs & Studies');
        return r.some((t) => /iris/.test(t)) ? r : undefined;
      }, 30_000, 500);
      console.log(`      Runs & Studies: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
      if (state.runName) {
        assert.ok(rows.some((t) => t.includes(state.runName) && t.includes(state.runState)),
          `no row for ${state.runName} (${state.runState}): ${rows.join(' | ')}`);
      }
    },
  },
  {
    name: 'Explorer → Model Lab → Serve Model Folder serves it (notification, Endpoints tree, HTTP)',
    async run({ page, state, screenshot }) {
      await closeQuickInput(page);
      await explorerContextMenu(page, 'iris-model', ['Model Lab', 'Serve Model Folder'], () => screenshot('-a-context-menu'));
      const text = await waitForNotification(page, /is served at\s+http/, 90_000);
      const url = /(https?:\/\/[^\s,]+)/.exec(text)[1];
      state.endpointUrl = url;
      console.log(`      notification: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
      await screenshot('-b-notification');
      // TF Serving's predict route, with the model name the notification gives ("Model Lab: <model> (…) is served at").
      const model = /Model Lab: (\S+) \(/.exec(text)[1];
      const res = await fetch(`${url.replace(/\/+$/, '')}/v1/models/${model}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }] }),
      });
      const answer = await res.text();
      console.log(`      POST ${url}/v1/models/${model}:predict → ${res.status} ${answer.slice(0, 160)}`);
      assert.equal(res.status, 200, answer);
      assert.match(answer, /predictions/);
      await openViewContainer(page, 'Model Lab');
      const rows = await waitFor('the endpoint in the Endpoints tree', async () => {
        const r = await treeRows(page, 'Endpoints');
        return r.some((t) => t.includes(url.replace(/\/+$/, '')) || /iris-model/.test(t)) ? r : undefined;
      }, 30_000, 500);
      console.log(`      Endpoints: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
    },
  },
  {
    name: 'Stop Endpoint stops it',
    async run({ page, state }) {
      assert.ok(state.endpointUrl, 'no endpoint was started by the previous test');
      await runCommand(page, 'Model Lab: Stop Endpoint');
      // With one endpoint it may stop it at once, or ask which: pick the first.
      await sleep(1000);
      const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      if (await pick.first().isVisible().catch(() => false)) await page.keyboard.press('Enter');
      await waitFor('the endpoint to stop answering', async () => {
        try { await fetch(state.endpointUrl); return false; } catch { return true; }
      }, 30_000, 500);
      const rows = await treeRows(page, 'Endpoints');
      assert.ok(!rows.some((t) => t.includes(state.endpointUrl)), `still listed: ${rows.join(' | ')}`);
      console.log(`      notifications: ${(await notifications(page)).map((t) => t.replace(/\s+/g, ' ').slice(0, 80)).join(' | ')}`);
    },
  },
];
