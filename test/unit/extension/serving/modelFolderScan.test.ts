// The workspace scan behind the `modelLab.modelFolders` context key: parents of candidate files, kept by content.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { MODEL_FILE_PATTERN, modelFoldersAmong } from '../../../../src/extension/serving/modelFolderScan';

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
