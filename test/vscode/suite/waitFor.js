// Shared by the suites (not itself a suite: index.js loads only *.vscode.js).
'use strict';

/** Polls `check` every 100 ms until it returns something truthy (which it returns), or throws naming `what`. */
async function waitFor(what, check, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

module.exports = { waitFor };
