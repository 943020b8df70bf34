/**
 * Chromium against the harness page, for the webview tests and benchmark: a static server over the
 * repository root (so the page loads dist/webview.js as the panel does), a page with CSP-violation and
 * error recording installed before any script runs, and helpers to push host messages.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * What tests touch inside the page. The root tsconfig has no DOM library (Node code), so code that runs in the
 * browser through page.evaluate sees these minimal, file-local declarations instead of the DOM's types.
 */
export interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  classList: { contains(c: string): boolean };
  getAttribute(name: string): string | null;
  scrollTop: number;
}
export interface PageDocument {
  querySelector(selector: string): PageElement | null;
  addEventListener(type: 'securitypolicyviolation', fn: (e: { violatedDirective: string; blockedURI: string; sample: string }) => void): void;
}
export interface ChartOptionSeries {
  id?: string;
  name?: string;
  data: unknown[];
}
export interface PageWindow {
  harness: { posted: PostedMessage[]; state?: { target?: unknown; ui?: Record<string, unknown> }; push(m: unknown): void };
  modelLab: { chartOption(name: string): { series: ChartOptionSeries[] } | undefined; dispatch(name: string, action: unknown): void };
  __violations: Recorded['violations'];
  postMessage(m: unknown, origin: string): void;
}
declare const window: PageWindow;
declare const document: PageDocument;

export const ROOT = join(__dirname, '..', '..');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export function requireBuiltBundle(): void {
  for (const f of ['dist/webview.js', 'dist/webview.css']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
}

export async function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(ROOT + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/test/webview/harness.html` };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

export interface Recorded {
  violations: { directive: string; blocked: string; sample: string }[];
  errors: string[];
}

/** Opens the harness; CSP violations and page errors are recorded from the first script on. */
export async function openHarness(browser: Browser, url: string, query = ''): Promise<{ page: Page; recorded: () => Promise<Recorded> }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // tsx compiles functions handed to page.evaluate with esbuild's keepNames, which calls a `__name` helper.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
  });
  await page.goto(url + query);
  await page.waitForFunction(() => window.harness?.posted.some((m) => m.type === 'ready'));
  return {
    page,
    recorded: async () => ({ violations: await page.evaluate(() => window.__violations), errors }),
  };
}

/**
 * Delivers host messages and resolves, with the milliseconds it took, once the panel handled the last one and
 * the next frame was painted. The listener is registered after the panel's own, so it runs once the panel
 * handled the message; the panel renders in an animation frame, ours (requested later) runs after it, and
 * a message-channel task queued there runs after that frame has been painted.
 */
const PUSH_AND_PAINT = `(messages) => new Promise((resolve) => {
  const t0 = performance.now();
  let left = messages.length;
  const onMessage = () => {
    if (--left > 0) return;
    window.removeEventListener('message', onMessage);
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve(performance.now() - t0);
      ch.port2.postMessage(0);
    });
  };
  window.addEventListener('message', onMessage);
  for (const m of messages) window.postMessage(m, '*');
})`;

export async function pushAndPaint(page: Page, message: unknown | unknown[]): Promise<number> {
  const fn = await page.evaluateHandle(PUSH_AND_PAINT);
  try {
    return (await fn.evaluate((f: unknown, m: unknown) => (f as (m: unknown) => Promise<number>)(m), Array.isArray(message) ? message : [message])) as number;
  } finally {
    await fn.dispose();
  }
}

export interface PostedMessage {
  type: string;
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  runIds?: string[];
}

export function posted(page: Page): Promise<PostedMessage[]> {
  return page.evaluate(() => window.harness.posted);
}

export async function waitForPosted(page: Page, predicate: string): Promise<PostedMessage> {
  const handle = await page.waitForFunction(`window.harness.posted.find(${predicate})`);
  return (await handle.jsonValue()) as PostedMessage;
}
