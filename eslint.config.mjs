// Lint keeps the layers apart (see ../shared/ARCHITECTURE.md): the runtime never imports `vscode`,
// the webview never imports Node modules, and the extension reaches the runtime only through the protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.modellab/**', 'examples/**/.modellab/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/runtime/**/*.ts', 'src/protocol/**/*.ts', 'src/runtime-client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The runtime is plain Node: it never imports vscode.' }] }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeModules.map((name) => ({ name, message: 'The webview is browser code: no Node modules.' })),
        patterns: [{ group: ['**/runtime/**', '**/extension/**'], message: 'The webview talks only to the extension host, through the webview protocol.' }],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          // Exceptions: plain-Node readers of the lab's file formats (spec validation, run and study folders,
          // model-folder recognition), which load nothing heavy.
          group: [
            // gitignore semantics: a file can be re-included only when its folder is (the `!…/` entries).
            '**/runtime/**', '!**/runtime/spec/', '!**/runtime/runs/', '!**/runtime/tune/', '!**/runtime/serving/',
            '!**/runtime/spec/*', '!**/runtime/runs/runRecord', '!**/runtime/runs/runFolder',
            '!**/runtime/tune/studyRecord', '!**/runtime/tune/trialLog', '!**/runtime/serving/modelFiles',
            '!**/runtime/util/', '!**/runtime/util/processAlive', '!**/runtime/util/jsonLines', '!**/runtime/serving/registry',
            '@tensorflow/*', 'onnxruntime-node', 'webgpu', 'h5wasm',
          ],
          message: 'The extension reaches the runtime only through src/protocol and src/runtime-client; it never loads heavy modules.',
        }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Real-VS-Code extension tests (CommonJS, mocha inside the extension host) and their launcher.
    files: ['test/code-shim.js', 'test/vscode/**/*.js'],
    languageOptions: {
      globals: {
        exports: 'writable', setTimeout: 'readonly', clearTimeout: 'readonly',
        describe: 'readonly', it: 'readonly', before: 'readonly', after: 'readonly', beforeEach: 'readonly', afterEach: 'readonly',
      },
    },
  },
);
