// The run view in Chromium against the harness page, and the harness's CSP check itself.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launch, openHarness, pushAndPaint, requireBuiltBundle, startServer, waitForPosted, type PageDocument, type PageWindow, type Recorded } from './browser';
import { syntheticPoints, syntheticRun } from './synthetic';

declare const window: PageWindow;
declare const document: PageDocument & { body: { insertAdjacentHTML(where: string, html: string): void } };

const seriesLengths = (page: Page, chart: string) =>
  page.evaluate((c) => Object.fromEntries((window.modelLab.chartOption(c)?.series ?? []).map((s) => [s.name, s.data.length])), chart);

describe('run view (Chromium)', () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let recorded: () => Promise<Recorded>;

  before(async () => {
    requireBuiltBundle();
    ({ server, url } = await startServer());
    browser = await launch();
    ({ page, recorded } = await openHarness(browser, url));
    await pushAndPaint(page, syntheticRun(5));
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('renders header, backend, progress, hyperparameters, signature, log and paired metric charts', async () => {
    assert.equal(await page.textContent('[data-role=run-name]'), 'iris mlp');
    assert.match((await page.textContent('.view-header .facts')) ?? '', /wasm · CPU \(SIMD\)/);
    assert.match((await page.textContent('[data-role=run-progress]')) ?? '', /^Epoch 5 \/ 20 · batch 3 \/ 50 · loss 0\.4/);
    assert.match((await page.textContent('[data-role=hyperparameters]')) ?? '', /learning_rate\s*0\.01/);
    assert.match((await page.textContent('[data-role=signature]')) ?? '', /in: features\s*float32\[4\][\s\S]*setosa, versicolor, virginica/);
    assert.equal(await page.textContent('[data-role=log]'), 'starting\nepoch 5');
    // loss with val_loss in one chart, accuracy with val_accuracy in another.
    await page.waitForFunction(() => window.modelLab.chartOption('run-accuracy') !== undefined);
    assert.deepEqual(await seriesLengths(page, 'run-loss'), { loss: 5, val_loss: 5 });
    assert.deepEqual(await seriesLengths(page, 'run-accuracy'), { accuracy: 5, val_accuracy: 5 });
    assert.equal(await page.isVisible('[data-action=stopRun]'), true);
  });

  it('appends epochs, progress and log lines from run/update', async () => {
    await pushAndPaint(page, { type: 'run/update', points: syntheticPoints(2, 6), progress: { phase: 'train', epoch: 7, epochs: 20 }, log: ['epoch 6', 'epoch 7'] });
    await page.waitForFunction(() => window.modelLab.chartOption('run-loss')?.series[0].data.length === 7);
    assert.deepEqual(await seriesLengths(page, 'run-loss'), { loss: 7, val_loss: 7 });
    assert.match((await page.textContent('[data-role=run-progress]')) ?? '', /^Epoch 7 \/ 20/);
    assert.equal(await page.textContent('[data-role=log]'), 'starting\nepoch 5\nepoch 6\nepoch 7');
  });

  it('stop posts stopRun; a finished run hides it', async () => {
    await page.click('[data-action=stopRun]');
    await waitForPosted(page, `(m) => m.method === 'stopRun'`);
    const init = syntheticRun(5);
    const header = init.snapshot.kind === 'run' ? init.snapshot.header : undefined;
    await pushAndPaint(page, { type: 'run/update', header: { ...header!, state: 'succeeded', epochsRun: 7 } });
    await page.waitForSelector('[data-action=stopRun]', { state: 'hidden' });
    assert.equal(await page.textContent('[data-role=run-state]'), 'succeeded');
  });

  it('exports a metric chart as CSV with the data behind it', async () => {
    await page.click('[data-chart=run-loss] [data-export=csv]');
    const m = await waitForPosted(page, `(m) => m.method === 'saveExport' && m.params.suggestedName === 'run-loss.csv'`);
    const lines = (m.params!.data as string).trim().split('\r\n');
    assert.equal(lines[0], 'step,loss,val_loss');
    assert.equal(lines.length, 8);
  });

  it('raised no CSP violation and no page error', async () => {
    await page.hover('[data-chart=run-loss] .chart-body');
    const { violations, errors } = await recorded();
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
  });

  it('the harness enforces the panel’s CSP: an inline style attribute is reported (so the checks above can fail)', async () => {
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div style="color: red">inline</div>'));
    await page.waitForFunction(() => window.__violations.length > 0);
    const { violations } = await recorded();
    assert.ok(violations.some((v) => v.directive.startsWith('style-src')), JSON.stringify(violations));
  });
});
