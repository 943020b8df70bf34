// Runs node's test runner over the test files below the given folders (default: all of test/),
// with tsx so the tests are TypeScript. Node 20's runner takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (/\.test\.ts$/.test(name)) out.push(path);
  }
  return out;
}
const files = (roots.length ? roots : ['test']).flatMap((r) => (statSync(r).isDirectory() ? collect(r) : [r]));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
