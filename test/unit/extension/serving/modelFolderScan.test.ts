// The workspace scan behind the `modelLab.modelFolders` context key: parents of candidate files, kept by content.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { MODEL_FILE_PATTERN, mayChangeModelFolders, modelFoldersAmong } from '../../../../src/extension/serving/modelFolderScan';

const FIXTURES = join(__dirname, '../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'modellab-scan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

it('keeps the parents that hold a model, each once, sorted', () => {
  const keras = join(tmp, 'b-keras');
  const sklearn = join(tmp, 'a-sklearn');
  const tfjs = join(tmp, 'tfjs-only');
  for (const d of [keras, sklearn, tfjs]) mkdirSync(d);
  copyFileSync(join(FIXTURES, 'keras/mlp.h5'), join(keras, 'model.h5'));
  copyFileSync(join(FIXTURES, 'sklearn/iris_forest/model.pkl'), join(sklearn, 'model.pkl'));
  writeFileSync(join(tfjs, 'model.json'), '{"format": "layers-model"}');
  const files = [join(keras, 'model.h5'), join(sklearn, 'model.pkl'), join(sklearn, 'model.joblib'), join(tfjs, 'model.json')];
  assert.deepEqual(modelFoldersAmong(files), [sklearn, keras]);
});

it('watches every name a model file can have', () => {
  for (const name of ['modellab.json', 'model.json', 'model.ubj', 'model.bst', 'model.joblib', 'model.pkl', '*.onnx', '*.h5', '*.hdf5', '*.keras']) {
    assert.ok(MODEL_FILE_PATTERN.includes(name), name);
  }
});

it('rescans for model files and for folders created or deleted with their contents, not for other files', () => {
  const created = (isFolder: boolean) => ({ kind: 'created' as const, isFolder });
  const deleted = { kind: 'deleted' as const };
  const known = ['/ws/.modellab/runs/r1/model', '/ws/models/xgb'];
  assert.ok(mayChangeModelFolders('/ws/m/model.ubj', created(false), known));
  assert.ok(mayChangeModelFolders('/ws/m/Net.ONNX', created(false), known));
  assert.ok(mayChangeModelFolders('/ws/models/copied', created(true), known), 'a copied folder arrives as one event');
  assert.ok(!mayChangeModelFolders('/ws/data/train.csv', created(false), known));
  assert.ok(!mayChangeModelFolders('/ws/node_modules/pkg/model.json', created(false), known));
  assert.ok(mayChangeModelFolders('/ws/.modellab/runs/r1', deleted, known), 'a deleted run folder holds a model folder');
  assert.ok(mayChangeModelFolders('/ws/models/xgb', deleted, known));
  assert.ok(!mayChangeModelFolders('/ws/models/xg', deleted, known), 'a prefix of a name is not a parent');
  assert.ok(!mayChangeModelFolders('/ws/notes', deleted, known));
});
