#!/usr/bin/env node
// `npm run package`: builds the production bundles (node scripts/build.mjs --production) and packages the
// extension with vsce into model-lab-<version>.vsix at the repository root, then checks what went in:
// the bundles, schemas, media, examples, README, and the run-time externals of dist/*.js (onnxruntime-node,
// webgpu, esbuild; .vscodeignore says which of their files), and that no sources, tests or source maps did.
// Options: --no-build (package the dist/ that is there), --out <file>.
// Exit code: 0 packaged and checked, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const argv = process.argv.slice(2);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outIndex = argv.indexOf('--out');
const out = resolve(outIndex >= 0 ? argv[outIndex + 1] : join(root, `${pkg.name}-${pkg.version}.vsix`));

function run(cmd, args) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Entry names of a zip file (the vsix), through vsce's own zip reader. */
function zipEntries(file) {
  const yauzl = createRequire(require.resolve('@vscode/vsce/package.json'))('yauzl');
  return new Promise((resolveEntries, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names = new Map();
      zip.on('entry', (e) => {
        names.set(e.fileName, e.uncompressedSize);
        zip.readEntry();
      });
      zip.on('end', () => resolveEntries(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Bare module names that a bundle still require()s (its esbuild externals), builtins left out. */
function externalsOf(bundle) {
  const text = readFileSync(bundle, 'utf8');
  const names = new Set();
  // Not inside generated-code strings (ajv's standalone code says `require("ajv/dist/runtime/…")` in text).
  for (const m of text.matchAll(/(?<![`'"\w.])require\((["'])([^"'.][^"']*)\1\)/g)) {
    const spec = m[2];
    if (isBuiltin(spec)) continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return names;
}

async function main() {
  if (!argv.includes('--no-build')) run(process.execPath, ['scripts/build.mjs', '--production']);
  // README links stay relative (no repository URL to rewrite them against).
  const vsceArgs = ['package', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out];
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(root, f)))) {
    console.warn('package-vsix: WARNING: no LICENSE file at the repository root; packaging without one (--skip-license)');
    vsceArgs.push('--skip-license');
  }
  // Not --no-dependencies: with it vsce never looks into node_modules, so the run-time externals could not go in.
  // vsce lists the production dependencies (npm list); .vscodeignore keeps only the externals' run-time files.
  run(process.execPath, [require.resolve('@vscode/vsce/vsce'), ...vsceArgs]);

  const entries = await zipEntries(out);
  const has = (p) => entries.has(`extension/${p}`);
  const problems = [];
  const required = [
    'package.json', 'readme.md',
    'dist/extension.js', 'dist/runtime.js', 'dist/cli.js', 'dist/webview.js', 'dist/farmhash_modern_bg.wasm',
    'dist/wasm/tfjs-backend-wasm-simd.wasm',
    'schemas/modellab.schema.json',
    'examples/iris/modellab.yaml', 'examples/iris/iris.csv',
    'node_modules/onnxruntime-node/dist/index.js',
    'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
    'node_modules/onnxruntime-common/dist/cjs/index.js',
    'node_modules/webgpu/index.js',
    'node_modules/webgpu/dist/linux-x64/dawn.node',
    'node_modules/webgpu/dist/win32-x64/dawn.node',
    'node_modules/webgpu/dist/darwin-universal/dawn.node',
    'node_modules/esbuild/lib/main.js',
    'node_modules/@esbuild/linux-x64/bin/esbuild',
  ];
  // The extension's lazily loaded bundles (scripts/build.mjs turns its import()s into dist/extension-*.js).
  for (const m of readFileSync(join(root, 'dist/extension.js'), 'utf8').matchAll(/require\("\.\/(extension-[\w.-]+\.js)"\)/g)) required.push(`dist/${m[1]}`);
  for (const p of required) if (!has(p)) problems.push(`missing: ${p}`);
  if (![...entries.keys()].some((n) => n.startsWith('extension/media/'))) problems.push('missing: media/');
  if (existsSync(join(root, 'LICENSE')) && !has('LICENSE.txt') && !has('LICENSE')) problems.push('missing: LICENSE');
  for (const name of entries.keys()) {
    if (/^extension\/(src|test|bench|scripts|\.ci)\//.test(name)) problems.push(`should not be packaged: ${name}`);
    else if (/\.map$/.test(name)) problems.push(`source map packaged: ${name}`);
    else if (/\/\.modellab\//.test(name)) problems.push(`run output packaged: ${name}`);
  }
  // Every module a bundle loads at run time (not bundled) is in the package, except the optional native
  // TensorFlow packages that "Set Up Native Runtime" installs outside the extension, and node-fetch's
  // `try { require("encoding") } catch {}` (bundled with tfjs-core; only for non-UTF-8 bodies).
  const optional = new Set(['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'encoding']);
  for (const bundle of ['extension.js', 'runtime.js', 'cli.js']) {
    for (const name of externalsOf(join(root, 'dist', bundle))) {
      if (!optional.has(name) && !has(`node_modules/${name}/package.json`)) {
        problems.push(`dist/${bundle} requires '${name}', which is not packaged`);
      }
    }
  }
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const unpacked = [...entries.values()].reduce((a, b) => a + b, 0);
  console.log(`package-vsix: ${out}: ${mb(statSync(out).size)} (${mb(unpacked)} unpacked), ${entries.size} files`);
  if (problems.length) {
    for (const p of problems.slice(0, 40)) console.error(`package-vsix: ${p}`);
    throw new Error(`${problems.length} problem(s) in the package`);
  }
  console.log('package-vsix: contents checked');
}

main().catch((err) => {
  console.error(`package-vsix: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
