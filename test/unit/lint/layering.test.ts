/**
 * The layers stay apart because lint says so: these run ESLint with the project's own config on
 * code placed (virtually) in each layer, and expect the violations to be caught.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function messagesFor(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test('the runtime may not import vscode', async () => {
  const messages = await messagesFor("import * as vscode from 'vscode';\nexport const x = vscode;\n", 'src/runtime/train/someFile.ts');
  assert.ok(messages.some((m) => m.includes('never imports vscode')), messages.join('\n'));
});

test('the webview may not import Node modules or the runtime', async () => {
  const node = await messagesFor("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'src/webview/panel.ts');
  assert.ok(node.some((m) => m.includes('no Node modules')), node.join('\n'));
  const runtime = await messagesFor("import { trainJob } from '../runtime/train/trainJob';\nexport const x = trainJob;\n", 'src/webview/panel.ts');
  assert.ok(runtime.some((m) => m.includes('only to the extension host')), runtime.join('\n'));
});

test('the extension may not load TensorFlow.js or runtime internals, but may use the protocol', async () => {
  const heavy = await messagesFor("import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n", 'src/extension/commands.ts');
  assert.ok(heavy.some((m) => m.includes('never loads heavy modules')), heavy.join('\n'));
  const internal = await messagesFor("import { trainJob } from '../runtime/train/trainJob';\nexport const x = trainJob;\n", 'src/extension/commands.ts');
  assert.ok(internal.length > 0, 'runtime internals are refused');
  const allowed = await messagesFor("import { TrainRequest } from '../protocol/runtimeProtocol';\nexport const x = TrainRequest;\n", 'src/extension/commands.ts');
  assert.deepEqual(allowed, []);
});

test('the extension may use the light model-folder readers (recognition, registry) but not the engines', async () => {
  const light = await messagesFor(
    "import { recogniseModelFolder } from '../../runtime/serving/modelFiles';\nimport { ModelRegistry } from '../../runtime/serving/registry';\nexport const x = [recogniseModelFolder, ModelRegistry];\n",
    'src/extension/serving/someFile.ts',
  );
  assert.deepEqual(light, []);
  const engine = await messagesFor("import { loadModelFolder } from '../../runtime/serving/loadModelFolder';\nexport const x = loadModelFolder;\n", 'src/extension/serving/someFile.ts');
  assert.ok(engine.some((m) => m.includes('never loads heavy modules')), engine.join('\n'));
});
