import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, newNonce, panelHtml } from '../../../../src/extension/panels/panelHtml';

const page = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  nonce: newNonce(),
  title: 'Run <iris>',
};

test('nonces are fresh, 32 characters, safe inside the CSP', () => {
  const a = newNonce();
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(a, newNonce());
});

test('the policy allows nothing but the nonce-tagged script and local styles, images and fonts', () => {
  const csp = contentSecurityPolicy(page.cspSource, 'N');
  assert.equal(csp, `default-src 'none'; script-src 'nonce-N'; style-src ${page.cspSource} 'nonce-N'; img-src ${page.cspSource} data: blob:; font-src ${page.cspSource}`);
  assert.doesNotMatch(csp, /unsafe-|https:(?!\/\/file)|\*/);
});

test('the page loads the bundle with the nonce, the stylesheet only when given, into #app', () => {
  const html = panelHtml(page);
  assert.ok(html.includes(`<script nonce="${page.nonce}" src="${page.scriptUri}"></script>`));
  assert.ok(html.includes('<div id="app"></div>'));
  assert.ok(html.includes('<title>Run &lt;iris&gt;</title>'), 'the title is escaped');
  assert.ok(!html.includes('<link'));
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'no inline script');
  const styled = panelHtml({ ...page, styleUri: 'https://x/dist/webview.css' });
  assert.ok(styled.includes(`<link rel="stylesheet" href="https://x/dist/webview.css" nonce="${page.nonce}">`));
});
