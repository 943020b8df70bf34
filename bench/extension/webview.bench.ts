/**
 * The experiment panel's webview in Chromium (the harness page with the built dist/webview.js): first render
 * and update latency, and JS heap, for studies of 100, 1,000 and 10,000 trials, with ratios against the
 * 100-trial baseline measured in the same run.
 *
 * - first render: the `init` snapshot posted → the frame with header, table and the default chart painted
 *   (median of 5 fresh pages);
 * - update: one `study/update` with 50 changed trials + one `curves/append` (a new epoch for the 5 selected
 *   trials, 100 epochs each loaded) → the next frame painted; median of 20, 150 ms apart, with the learning
 *   curves tab shown, and again with the parallel-coordinates tab shown (median of 8, 2.1 s apart so that every
 *   one redraws all its lines: the worst case; live, that chart redraws at most every max(0.5 s, lines / 5 ms));
 * - scroll: the table jumps to a random row → painted; median of 20;
 * - heap: JSHeapUsedSize from CDP Performance.getMetrics after a forced GC, with all charts drawn once.
 *
 * Run: npm run bench:webview  (builds first).
 */
import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { launch, openHarness, pushAndPaint, requireBuiltBundle, startServer, waitForPosted, type PageWindow } from '../../test/webview/browser';
import { syntheticCurves, syntheticStudy, syntheticUpdate } from '../../test/webview/synthetic';

declare const window: PageWindow;

const SIZES = [100, 1_000, 10_000];
const EPOCHS = 100;
const SELECTED = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  trials: number;
  firstRender: number;
  update: number;
  updateParallel: number;
  parallelFirstDraw: number;
  scroll: number;
  heapMiB: number;
}

/** First render on fresh pages, median of 5 (a single one swings by 2× on a loaded machine). */
async function firstRender(browser: Browser, url: string, n: number): Promise<number> {
  const init = syntheticStudy(n);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const { page } = await openHarness(browser, url);
    times.push(await pushAndPaint(page, init));
    await page.close();
  }
  return median(times);
}

async function measure(browser: Browser, url: string, n: number): Promise<Row> {
  const { page } = await openHarness(browser, url);
  const init = syntheticStudy(n);
  await pushAndPaint(page, init);

  // Select SELECTED trials; answer their curves request with 100 epochs each.
  await page.click('.tspacer .trow[data-index="0"] .col-id');
  for (let i = 1; i < SELECTED; i++) await page.click(`.tspacer .trow[data-index="${i}"] .col-id`, { modifiers: ['Control'] });
  await waitForPosted(page, `(m) => m.method === 'curves' && m.params.runIds.includes('run-${SELECTED}')`);
  const all = (await page.evaluate(() => window.harness.posted)).filter((m) => m.method === 'curves');
  for (const m of all) await pushAndPaint(page, { type: 'response', id: m.id, ok: true, result: syntheticCurves(m.params!.runIds as string[], EPOCHS) });
  const runIds = Array.from({ length: SELECTED }, (_, i) => `run-${i + 1}`);

  const updates = async (count: number, gapMs: number, from: number) => {
    const times: number[] = [];
    for (let k = 0; k < count; k++) {
      await sleep(gapMs);
      times.push(await pushAndPaint(page, [syntheticUpdate(n, 50, from + k), { type: 'curves/append', series: syntheticCurves(runIds, 1, EPOCHS + from + k + 1) }]));
    }
    return median(times);
  };
  const update = await updates(20, 150, 0);

  const scrolls: number[] = [];
  for (let k = 0; k < 20; k++) {
    const row = Math.floor(((k * 7919) % 97) / 97 * n);
    scrolls.push(
      await page.evaluate(
        `new Promise((resolve) => { const t0 = performance.now(); document.querySelector('.tscroll').scrollTop = ${row * 24};
          requestAnimationFrame(() => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => resolve(performance.now() - t0); ch.port2.postMessage(0); })); })`,
      ),
    );
  }

  const t0 = Date.now();
  await page.click('[data-tab=parallel]');
  await page.waitForFunction(() => window.modelLab.chartOption('parallel') !== undefined);
  const parallelFirstDraw = Date.now() - t0;
  // 2.1 s apart: the parallel chart redraws at most every max(0.5 s, lines/5 ms), so each of these updates redraws it.
  const updateParallel = await updates(8, 2100, 100);

  for (const tab of ['best', 'scatter', 'importance', 'curves']) {
    await page.click(`[data-tab=${tab}]`);
    await sleep(1200);
  }
  const heapMiB = await heap(page);
  await page.close();
  return { trials: n, firstRender: await firstRender(browser, url, n), update, updateParallel, parallelFirstDraw, scroll: median(scrolls), heapMiB };
}

async function heap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
}

async function main(): Promise<void> {
  requireBuiltBundle();
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    const started = await startServer();
    server = started.server;
    browser = await launch();
    const version = browser.version();
    // Warm-up: the first page pays for compiling the bundle.
    await measure(browser, started.url, 100);
    const rows: Row[] = [];
    for (const n of SIZES) {
      rows.push(await measure(browser, started.url, n));
      console.error(`measured ${n} trials`);
    }
    const base = rows[0];
    const ratio = (v: number, b: number) => `${(v / b).toFixed(1)}×`;
    const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
    const lines = [
      '| trials | first render ms | ratio | update ms (curves tab) | ratio | update ms (parallel tab) | ratio | parallel tab first draw ms | table scroll ms | JS heap MiB | ratio |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) =>
        `| ${r.trials.toLocaleString('en-US')} | ${f(r.firstRender)} | ${ratio(r.firstRender, base.firstRender)} | ${f(r.update)} | ${ratio(r.update, base.update)} | ${f(r.updateParallel)} | ${ratio(r.updateParallel, base.updateParallel)} | ${f(r.parallelFirstDraw)} | ${f(r.scroll)} | ${r.heapMiB.toFixed(1)} | ${ratio(r.heapMiB, base.heapMiB)} |`,
      ),
    ];
    let cpu = '';
    try {
      cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2; nproc; cat /proc/loadavg"], { encoding: 'utf8' }).trim().replace(/\n/g, ' | ');
    } catch {
      cpu = 'unknown';
    }
    console.log(`${new Date().toISOString()} — Chromium ${version} (headless, --disable-gpu) — CPU: ${cpu}`);
    console.log(lines.join('\n'));
  } finally {
    await browser?.close();
    server?.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
