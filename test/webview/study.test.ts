// The study view in Chromium against the harness page, with a synthetic 10,000-trial study.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launch, openHarness, posted, pushAndPaint, requireBuiltBundle, startServer, waitForPosted, type PageDocument, type PageElement, type PageWindow, type Recorded } from './browser';
import { objectiveOf, syntheticCurves, syntheticStudy, syntheticUpdate } from './synthetic';

const N = 10_000;
const init = syntheticStudy(N);
const trials = init.snapshot.kind === 'study' ? init.snapshot.trials : [];
const bestId = init.snapshot.kind === 'study' ? init.snapshot.header.best!.trialId : '';

declare const window: PageWindow;
declare const document: PageDocument;
const rowIds = (page: Page) =>
  page.$$eval('.tspacer .trow:not([hidden])', (rows) =>
    (rows as unknown as PageElement[]).map((r) => ({ id: r.dataset.trial!, index: Number(r.dataset.index), best: r.classList.contains('best'), text: r.textContent ?? '' })).sort((a, b) => a.index - b.index),
  );
/** Waits until the table shows `n` trials (rendering is coalesced into animation frames). */
const waitForCount = (page: Page, n: number) => page.waitForFunction((n) => document.querySelector('[data-role=table-count]')?.dataset.visible === String(n), n);

describe('study view (Chromium, 10,000 trials)', () => {
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
    await pushAndPaint(page, init);
    await waitForCount(page, N);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('renders the header and only a window of the 10,000 rows, best trial marked', async () => {
    assert.equal(await page.textContent('[data-role=study-name]'), `synthetic ${N}`);
    assert.match((await page.textContent('[data-role=table-count]')) ?? '', /10,000 of 10,000 trials/);
    assert.match((await page.textContent('[data-role=study-best]')) ?? '', new RegExp(`^#${bestId} = `));
    const rows = await rowIds(page);
    assert.ok(rows.length > 10 && rows.length < 120, `virtualised: ${rows.length} row elements`);
    assert.deepEqual(rows.slice(0, 3).map((r) => r.id), ['1', '2', '3']);
    // Scroll to the best trial's row: it carries the best marker.
    await page.$eval('.tscroll', (el, i) => ((el as unknown as PageElement).scrollTop = i * 24), Number(bestId) - 1);
    await page.waitForFunction((id) => document.querySelector(`.trow[data-trial="${id}"]`) !== null, bestId);
    const best = (await rowIds(page)).find((r) => r.id === bestId)!;
    assert.ok(best.best && best.text.includes('★'));
    const stoppedEarly = trials.find((t) => t.stoppedEarly)!;
    await page.$eval('.tscroll', (el, i) => ((el as unknown as PageElement).scrollTop = i * 24), Number(stoppedEarly.trialId) - 1);
    await page.waitForFunction((id) => document.querySelector(`.trow[data-trial="${id}"] .col-state`)?.textContent === 'stopped early', stoppedEarly.trialId);
  });

  it('sorts by objective (descending puts the best first) and by a parameter', async () => {
    await page.$eval('.tscroll', (el) => ((el as unknown as PageElement).scrollTop = 0));
    await page.click('.thead [data-key=objective]');
    await page.waitForFunction((id) => document.querySelector('.tspacer .trow[data-index="0"]')?.dataset.trial === id, bestId);
    await page.click('.thead [data-key="p:units"]');
    await page.waitForFunction(() => document.querySelector('.thead [data-key="p:units"]')?.getAttribute('aria-sort') === 'ascending');
    // Rows repaint in the frame after the header: wait for the first row's value.
    const smallest = Math.min(...trials.map((t) => t.parameters.units as number));
    await page.waitForFunction((v) => document.querySelector('.tspacer .trow[data-index="0"] .col-p_units')?.textContent === v, String(smallest));
    await page.click('.thead [data-key="p:units"]');
    const largest = Math.max(...trials.map((t) => t.parameters.units as number));
    await page.waitForFunction((v) => document.querySelector('.tspacer .trow[data-index="0"] .col-p_units')?.textContent === v, String(largest));
  });

  it('filters by text, by comparison and by state', async () => {
    await page.fill('[data-role=text-filter]', 'optimizer=sgd');
    const sgd = trials.filter((t) => t.parameters.optimizer === 'sgd').length;
    await waitForCount(page, sgd);
    await page.fill('[data-role=text-filter]', 'learning_rate<0.001');
    await waitForCount(page, trials.filter((t) => (t.parameters.learning_rate as number) < 0.001).length);
    await page.fill('[data-role=text-filter]', '');
    await waitForCount(page, N);
    await page.uncheck('[data-state=completed]');
    await waitForCount(page, trials.filter((t) => t.state !== 'completed').length);
    await page.check('[data-state=completed]');
    await waitForCount(page, N);
  });

  it('brushing a parallel-coordinates axis filters the table, clearing restores it', async () => {
    await page.click('[data-tab=parallel]');
    await page.waitForFunction(() => window.modelLab.chartOption('parallel') !== undefined);
    const lo = 0.9;
    await page.evaluate((lo) => window.modelLab.dispatch('parallel', { type: 'axisAreaSelect', parallelAxisId: 'pa:objective', intervals: [[lo, 1]] }), lo);
    const expected = trials.filter((t) => {
      const o = t.objective ?? t.lastValue;
      return o !== undefined && o >= lo && o <= 1;
    }).length;
    assert.ok(expected > 0 && expected < N);
    await waitForCount(page, expected);
    // The brush is kept in the persisted UI state.
    await page.waitForFunction(() => (window.harness.state?.ui?.brush as Record<string, unknown> | undefined)?.objective !== undefined);
    // A categorical axis too: category index 1 is 'sgd'.
    await page.evaluate(() => window.modelLab.dispatch('parallel', { type: 'axisAreaSelect', parallelAxisId: 'pa:optimizer', intervals: [[0.5, 1.5]] }));
    await waitForCount(page, trials.filter((t) => (t.objective ?? t.lastValue ?? -1) >= lo && t.parameters.optimizer === 'sgd').length);
    await page.click('[data-role=clear-brush]');
    await waitForCount(page, N);
  });

  it('a mouse drag along the objective axis brushes it like a user would', async () => {
    const box = (await page.$('[data-chart=parallel] .chart-body'))!;
    const b = (await box.boundingBox())!;
    // The objective axis is the last one, at the chart's right padding (72 px); the axes span top 40 → bottom 28.
    const x = b.x + b.width - 72;
    await page.mouse.move(x, b.y + 60);
    await page.mouse.down();
    await page.mouse.move(x, b.y + 110, { steps: 4 });
    await page.mouse.move(x, b.y + 160, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => (window.harness.state?.ui?.brush as Record<string, unknown> | undefined)?.objective !== undefined);
    const [[lo, hi]] = await page.evaluate(() => (window.harness.state!.ui!.brush as Record<string, [number, number][]>).objective);
    const expected = trials.filter((t) => {
      const o = t.objective ?? t.lastValue;
      return o !== undefined && o >= lo && o <= hi;
    }).length;
    assert.ok(expected > 0 && expected < N, `${lo}…${hi}: ${expected}`);
    await waitForCount(page, expected);
    await page.click('[data-role=clear-brush]');
    await waitForCount(page, N);
  });

  it('selecting trials requests their curves, subscribes, and curves/append grows the chart', async () => {
    await page.click('[data-tab=curves]');
    await page.$eval('.tscroll', (el) => ((el as unknown as PageElement).scrollTop = 0));
    await page.click('.thead [data-key=id]');
    await page.waitForFunction(() => document.querySelector('.tspacer .trow[data-index="0"]')?.dataset.trial === '1');
    await page.click('.tspacer .trow[data-index="0"] .col-id');
    await page.click('.tspacer .trow[data-index="2"] .col-id', { modifiers: ['Control'] });
    const request = await waitForPosted(page, `(m) => m.type === 'request' && m.method === 'curves' && m.params.runIds.includes('run-3')`);
    const subs = (await posted(page)).filter((m) => m.type === 'setCurveSubscription');
    assert.deepEqual(subs.at(-1)?.runIds, ['run-1', 'run-3']);
    const runIds = request.params!.runIds as string[];
    await page.evaluate((r) => window.harness.push(r), { type: 'response', id: request.id, ok: true, result: syntheticCurves(runIds, 30) });
    const lengths = () =>
      page.evaluate(() => {
        const o = window.modelLab.chartOption('curves');
        return Object.fromEntries((o?.series ?? []).map((s) => [s.id, s.data.length]));
      });
    await page.waitForFunction(() => (window.modelLab.chartOption('curves')?.series?.[1]?.data.length ?? 0) === 30);
    assert.deepEqual(await lengths(), { 'run-1': 30, 'run-3': 30 });
    await pushAndPaint(page, { type: 'curves/append', series: syntheticCurves(['run-3'], 5, 31) });
    await page.waitForFunction(() => window.modelLab.chartOption('curves')?.series.find((s) => s.id === 'run-3')?.data.length === 35);
    assert.deepEqual(await lengths(), { 'run-1': 30, 'run-3': 35 });
  });

  it('applies study/update upserts: a new best trial shows in the header and table', async () => {
    const params = { learning_rate: 10 ** -2.5, units: 64, dropout: 0.1, optimizer: 'adam' };
    const newBest = { trialId: String(N + 1), state: 'completed', parameters: params, objective: objectiveOf(params) + 0.5, stoppedEarly: false, runId: `run-${N + 1}` };
    await pushAndPaint(page, { ...syntheticUpdate(N, 50, 1), type: 'study/update' });
    await pushAndPaint(page, { type: 'study/update', trials: [newBest], header: { ...(init.snapshot.kind === 'study' ? init.snapshot.header : undefined)!, best: { trialId: newBest.trialId, objective: newBest.objective } } });
    await waitForCount(page, N + 1);
    await page.waitForFunction((id) => document.querySelector('[data-role=study-best]')?.textContent?.startsWith(`#${id} = `), newBest.trialId);
  });

  it('the keyboard moves and extends the selection', async () => {
    await page.click('.tspacer .trow[data-index="0"] .col-id');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.waitForFunction(() => document.querySelector('[data-role=table-count]')?.textContent?.endsWith('· 2 selected'));
    const sub = await waitForPosted(page, `(m) => m.type === 'setCurveSubscription' && m.runIds.join() === 'run-2,run-3'`);
    assert.deepEqual(sub.runIds, ['run-2', 'run-3']);
  });

  it('stop and open-folder actions send requests; an ok:false response is shown', async () => {
    await page.click('.tspacer .trow[data-index="0"] .col-id');
    await page.click('[data-action=openFolder]');
    const open = await waitForPosted(page, `(m) => m.method === 'openRunFolder'`);
    assert.deepEqual(open.params, { runId: 'run-1' });
    await page.evaluate((id) => window.harness.push({ type: 'response', id, ok: false, error: 'no such folder' }), open.id);
    await page.waitForSelector('[data-role=notice-error]:has-text("no such folder")');
    await page.click('[data-action=stopStudy]');
    await waitForPosted(page, `(m) => m.method === 'stopStudy'`);
    await page.click('[data-action=registerBest]');
    const reg = await waitForPosted(page, `(m) => m.method === 'registerModel'`);
    assert.deepEqual(reg.params, { runId: `run-${N + 1}` });
    await page.click('[data-action=serveBest]');
    assert.deepEqual((await waitForPosted(page, `(m) => m.method === 'serveModel'`)).params, { runId: `run-${N + 1}` });
  });

  it('exports the table as CSV and charts as PNG, SVG and CSV through saveExport', async () => {
    await page.click('[data-role=export-table]');
    const table = await waitForPosted(page, `(m) => m.method === 'saveExport' && m.params.suggestedName.endsWith('-trials.csv')`);
    const lines = (table.params!.data as string).trim().split('\r\n');
    assert.equal(lines[0], 'trial,state,stopped_early,objective,last_value,step,learning_rate,units,dropout,optimizer,duration_s,run_id,error');
    assert.equal(lines.length, N + 2);
    await page.click('[data-tab=best]');
    await page.waitForFunction(() => window.modelLab.chartOption('best') !== undefined);
    for (const format of ['png', 'svg', 'csv']) await page.click(`[data-chart=best] [data-export=${format}]`);
    const png = await waitForPosted(page, `(m) => m.method === 'saveExport' && m.params.suggestedName === 'best.png'`);
    assert.equal(png.params!.encoding, 'base64');
    assert.equal(Buffer.from(png.params!.data as string, 'base64').subarray(1, 4).toString(), 'PNG');
    const svg = await waitForPosted(page, `(m) => m.method === 'saveExport' && m.params.suggestedName === 'best.svg'`);
    assert.match(svg.params!.data as string, /^<svg[\s\S]*<path[\s\S]*<\/svg>$/);
    const csv = await waitForPosted(page, `(m) => m.method === 'saveExport' && m.params.suggestedName === 'best.csv'`);
    assert.match(csv.params!.data as string, /^trial,objective,best_so_far\r\n/);
  });

  it('restores sort, filters, selection and tab from the saved state on reload', async () => {
    await page.click('[data-tab=scatter]');
    await page.selectOption('[data-role=scatter-param]', 'units');
    await page.fill('[data-role=text-filter]', 'optimizer=adam');
    await page.waitForFunction(() => window.harness.state?.ui?.text === 'optimizer=adam');
    const state = (await page.evaluate(() => window.harness.state)) as { ui: Record<string, unknown> };
    // And a brush, as the parallel-coordinates chart saves it.
    state.ui.brush = { objective: [[0.9, 1]] };
    const { page: again } = await openHarness(browser, url, `?state=${encodeURIComponent(JSON.stringify(state))}`);
    const ready = (await posted(again)).find((m) => m.type === 'ready') as { target?: unknown };
    assert.deepEqual(ready.target, init.target);
    await pushAndPaint(again, init);
    await waitForCount(again, trials.filter((t) => t.parameters.optimizer === 'adam' && (t.objective ?? t.lastValue ?? 0) >= 0.9).length);
    assert.equal(await again.inputValue('[data-role=text-filter]'), 'optimizer=adam');
    assert.equal(await again.getAttribute('[data-tab=scatter]', 'aria-selected'), 'true');
    assert.equal(await again.inputValue('[data-role=scatter-param]'), 'units');
    const saved = (state as { ui: { selected: string[]; sort: unknown } }).ui;
    assert.ok(saved.selected.length > 0);
    const sub = await waitForPosted(again, `(m) => m.type === 'setCurveSubscription'`);
    assert.deepEqual(sub.runIds, saved.selected.map((id) => `run-${id}`));
    await again.waitForFunction((ui) => JSON.stringify(window.harness.state?.ui) === JSON.stringify(ui), saved);
    await again.close();
  });

  it('raised no CSP violation and no page error under the panel’s CSP', async () => {
    // Visit every chart so each one has been drawn under the policy.
    for (const tab of ['curves', 'best', 'parallel', 'scatter', 'importance']) {
      await page.click(`[data-tab=${tab}]`);
      await page.waitForFunction((t) => window.modelLab.chartOption(t) !== undefined, tab);
    }
    await page.hover('[data-chart=importance] .chart-body');
    const { violations, errors } = await recorded();
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
  });
});
