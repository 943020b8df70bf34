import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRegistry, RegistryError } from '../../../src/runtime/serving/registry';

/** A folder the bundle loader recognises by content (modellab.json + model.json); never loaded here. */
function fakeBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ml-fake-bundle-'));
  writeFileSync(join(dir, 'modellab.json'), '{}');
  writeFileSync(join(dir, 'model.json'), '{}');
  return dir;
}

const kind = (k: RegistryError['kind']) => (err: unknown) => err instanceof RegistryError && err.kind === k;

test('models → versions with Cloud ML Engine rules', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'ml-registry-'));
  const r = new ModelRegistry(ws);
  await r.createModel('iris', 'flowers');
  await assert.rejects(r.createModel('iris'), kind('exists'));
  await assert.rejects(r.createModel('../evil'), kind('invalid'));
  await assert.rejects(r.createModel('1abc'), kind('invalid'));

  const origin = fakeBundle();
  const v1 = await r.createVersion('iris', 'v1', origin, { description: 'first' });
  assert.equal(v1.isDefault, true, "a model's first version becomes its default");
  assert.equal(v1.framework, 'modellab-bundle');
  assert.equal(v1.state, 'READY');
  assert.ok(existsSync(join(v1.modelDir, 'modellab.json')), 'the folder is copied');
  const stored = JSON.parse(readFileSync(join(ws, '.modellab/models/iris/v1/version.json'), 'utf8'));
  assert.equal(stored.description, 'first');
  assert.ok(!Number.isNaN(Date.parse(stored.createTime)));

  const v2 = await r.createVersion('iris', 'v2', origin, { link: true });
  assert.equal(v2.isDefault, false);
  assert.equal(v2.modelDir, origin, 'a linked version serves the folder in place');
  await assert.rejects(r.createVersion('iris', 'v2', origin), kind('exists'));
  await assert.rejects(r.createVersion('nope', 'v1', origin), kind('not-found'));
  const empty = mkdtempSync(join(tmpdir(), 'ml-empty-'));
  await assert.rejects(r.createVersion('iris', 'v3', empty), /holds no model/);

  assert.deepEqual((await r.listVersions('iris')).map((v) => [v.name, v.isDefault]), [['v1', true], ['v2', false]]);
  await assert.rejects(r.deleteVersion('iris', 'v1'), kind('conflict'), 'the default cannot go while others exist');
  await r.setDefaultVersion('iris', 'v2');
  assert.equal((await r.getModel('iris')).defaultVersion, 'v2');
  await assert.rejects(r.setDefaultVersion('iris', 'v9'), kind('not-found'));
  await r.deleteVersion('iris', 'v1');
  await assert.rejects(r.deleteModel('iris'), kind('conflict'), 'a model with versions cannot be deleted');
  await r.deleteVersion('iris', 'v2');
  assert.equal((await r.getModel('iris')).defaultVersion, undefined);
  assert.ok(existsSync(origin), 'deleting a linked version leaves its origin alone');
  await r.deleteModel('iris');
  assert.deepEqual(await r.listModels(), []);
});
