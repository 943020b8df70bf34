// Builds the three bundles: the runtime/CLI (plain Node), the extension host (CommonJS, `vscode` external)
// and the webview (browser). TensorFlow.js is bundled; its wasm binaries are copied beside the runtime bundle.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// ES-module dependencies bundled into CommonJS lose `import.meta`; give them the bundle's own URL.
// `module` first: tfjs-backend-cpu's `main` build is not in its own sideEffects list, so esbuild would
// drop the import that registers the cpu backend.
const nodeResolution = { mainFields: ['module', 'main'] };
const importMetaUrl = {
  banner: { js: "const __bundle_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundle_import_meta_url' },
};

// Native and optional modules are never bundled: they are loaded at run time if present.
const nodeExternals = ['vscode', 'esbuild', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node', 'webgpu'];

// The extension's `import()`s become bundles of their own (dist/extension-<module>.js), loaded on first
// use: activation then compiles only the extension's own code, while the spec validator (yaml, ajv) and
// the runtime client (vscode-jsonrpc) wait until a spec is checked or the runtime starts.
const lazyExtensionModules = new Map(); // bundle name -> source file
const lazyChunks = {
  name: 'lazy-extension-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData?.lazy) return undefined;
      const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: { lazy: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(resolved.path)?.[1];
      const name = `extension-${pkg ? pkg.replace(/[@\\/]/g, '-').replace(/^-/, '') : basename(resolved.path).replace(/\.[cm]?[jt]s$/, '')}`;
      const known = lazyExtensionModules.get(name);
      if (known !== undefined && known !== resolved.path) return { errors: [{ text: `two lazy modules would both be dist/${name}.js: ${known} and ${resolved.path}` }] };
      lazyExtensionModules.set(name, resolved.path);
      return { path: `./${name}.js`, external: true };
    });
  },
};

// Every Node bundle (CLI, runtime, extension and its lazy parts): CommonJS for Node 20, externals left out.
const nodeBundle = {
  ...common,
  ...importMetaUrl,
  ...nodeResolution,
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: nodeExternals,
};

await Promise.all([
  esbuild.build({ ...nodeBundle, entryPoints: { cli: 'src/runtime/cli/main.ts', runtime: 'src/runtime/server/runtimeMain.ts' } }),
  esbuild.build({
    ...nodeBundle,
    entryPoints: { extension: 'src/extension/extension.ts' },
    plugins: [lazyChunks],
    // import() of the lazy bundles as require(): the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  }).then(() => esbuild.build({ ...nodeBundle, entryPoints: Object.fromEntries(lazyExtensionModules) })),
  // The experiment panel (browser code): its CSS import is written beside it as dist/webview.css, which the
  // panel's HTML links (the CSP allows styles only from the extension's own files).
  esbuild.build({
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
]);

// WebAssembly files the bundled code loads from beside itself at run time.
const wasmSource = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
const wasmTarget = join(root, 'dist/wasm');
mkdirSync(wasmTarget, { recursive: true });
for (const file of readdirSync(wasmSource).filter((f) => f.endsWith('.wasm'))) {
  cpSync(join(wasmSource, file), join(wasmTarget, file));
}
// farmhash-modern (hash buckets) reads its wasm from the folder of the script that bundles it.
cpSync(join(root, 'node_modules/farmhash-modern/bin/nodejs/farmhash_modern_bg.wasm'), join(root, 'dist/farmhash_modern_bg.wasm'));
