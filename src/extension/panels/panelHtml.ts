/**
 * The experiment panel's page: a strict Content Security Policy (no inline script or style without the
 * page's nonce, nothing remote), the webview bundle and its stylesheet from the extension's dist/, and
 * an empty `#app` the webview renders into. Plain string building, so it is unit-tested without VS Code.
 */
import { randomBytes } from 'node:crypto';

/** A fresh nonce per page load: 32 characters from a CSPRNG. */
export function newNonce(): string {
  return randomBytes(24).toString('base64').replace(/[+/=]/g, (c) => (c === '+' ? 'A' : c === '/' ? 'B' : 'C'));
}

export interface PanelPage {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview.js. */
  scriptUri: string;
  /** `asWebviewUri` of dist/webview.css, when the build emitted one. */
  styleUri?: string;
  nonce: string;
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function panelHtml(page: PanelPage): string {
  const style = page.styleUri ? `\n  <link rel="stylesheet" href="${escapeHtml(page.styleUri)}" nonce="${page.nonce}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(page.title)}</title>${style}
</head>
<body>
  <div id="app"></div>
  <script nonce="${page.nonce}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
