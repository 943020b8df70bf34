// Helpers that drive the real VS Code workbench (code-server) in headless chromium through playwright-core:
// the command palette, Quick Open, notifications, the Explorer's context menu, views, and webview content
// (a webview's document lives two frames down: the workbench's <iframe class="webview"> holds the
// `active-frame` iframe with the extension's HTML). See ../../../shared/notes/real-vscode-tests.md §3.
/* global setTimeout */
'use strict';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` (async, returns a truthy value when done) until it succeeds or `ms` pass; throws `what` then. */
async function waitFor(what, probe, ms = 30_000, every = 250) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await sleep(every);
  }
}

/** Waits for the workbench and the extension host to be up (the status bar shows up last). */
async function waitForWorkbench(page, ms = 90_000) {
  await page.waitForSelector('.monaco-workbench', { timeout: ms });
  await page.waitForSelector('.part.statusbar', { timeout: ms });
}

/**
 * Runs a command by its palette title ("Model Lab: Train"): F1, type, click the row with exactly that label.
 * Retries while the command is not listed yet (the extension's contributions arrive after the workbench).
 */
async function runCommand(page, title, ms = 45_000) {
  const end = Date.now() + ms;
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
    } catch {
      if (Date.now() > end) throw new Error(`the command palette has no "${title}" (waited ${ms / 1000} s)`);
      await page.keyboard.press('Escape');
      await sleep(1000);
      continue;
    }
    await row.click();
    return;
  }
}

/** Opens a workspace file by name with Quick Open (Ctrl+P). */
async function openFile(page, name) {
  await closeQuickInput(page);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name });
  await row.first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 15_000 });
}

async function closeQuickInput(page) {
  if (await page.locator('.quick-input-widget').isVisible().catch(() => false)) await page.keyboard.press('Escape');
}

/** Texts of the notification toasts now shown, and of the notification center's entries (toasts hide). */
async function notifications(page) {
  const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  const center = await page.locator('.notifications-center .notification-list-item').allInnerTexts();
  return [...toasts, ...center];
}

/**
 * Waits for a notification matching `re` (a toast, or an entry in the notification center, which it opens
 * when the toast is gone); returns its text.
 */
async function waitForNotification(page, re, ms = 60_000) {
  let opened = false;
  const started = Date.now();
  try {
    return await waitFor(`a notification matching ${re}`, async () => {
      const found = (await notifications(page)).find((t) => re.test(t));
      if (!found && !opened && Date.now() - started > 5_000) {
        opened = true;
        await runCommand(page, 'Notifications: Show Notifications');
      }
      return found;
    }, ms);
  } catch (err) {
    throw new Error(`${err.message}; notifications: ${JSON.stringify(await notifications(page))}`);
  }
}

/**
 * The frame holding a webview's content (the inner `active-frame`) in which `selector` exists. Webview
 * frames come and go (a hidden webview is kept, but a revealed one may be re-created): look each time.
 */
async function webviewFrame(page, selector, ms = 60_000) {
  return waitFor(`a webview frame with ${selector}`, async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const found = await frame.$(selector).catch(() => null);
      if (found) return frame;
    }
    return undefined;
  }, ms, 500);
}

/**
 * Right-clicks an Explorer row by its label and picks `path` (["Model Lab", "Serve Model Folder"]) in the
 * context menu, opening submenus on the way. `shot(name)` (optional) screenshots the open menu.
 */
async function explorerContextMenu(page, label, path, shot) {
  await runCommand(page, 'View: Show Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await row.click();
  await row.click({ button: 'right' });
  for (let i = 0; i < path.length; i++) {
    // VS Code's menus live in a shadow root; role selectors pierce it. Submenus open as further menus.
    const item = page.getByRole('menuitem', { name: path[i], exact: true }).last();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    if (i < path.length - 1) {
      await item.hover();
      await page.getByRole('menuitem', { name: path[i + 1], exact: true }).last().waitFor({ state: 'visible', timeout: 5_000 })
        .catch(async () => { await item.click(); });
    } else {
      if (shot) await shot();
      await item.click();
    }
  }
  await page.getByRole('menu').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
}

/** Opens a view container by its activity bar title ("Model Lab"). */
async function openViewContainer(page, title) {
  const item = page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar .action-item [aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  const pane = page.locator('.part.sidebar .composite.title', { hasText: title.toUpperCase() });
  if (!(await pane.isVisible().catch(() => false))) await item.click();
}

/** The rows (label + description texts) of a tree view in the side bar, found by its pane title. */
async function treeRows(page, paneTitle) {
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: new RegExp(escapeRe(paneTitle), 'i') }) });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane.locator('.pane-body .monaco-list-row').allInnerTexts();
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = {
  sleep, waitFor, waitForWorkbench, runCommand, openFile, closeQuickInput, notifications, waitForNotification,
  webviewFrame, explorerContextMenu, openViewContainer, treeRows,
};
