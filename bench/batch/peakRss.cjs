// Preloaded (`node --require`) into a bench child: on exit, the process's peak RSS (getrusage: every
// thread, engine workers included) as one line on stderr. Worker threads run preloads too; they stay quiet.
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  process.on('exit', () => require('node:fs').writeSync(2, `\nbench-peak-rss-kb ${process.resourceUsage().maxRSS}\n`));
}
