// Model-folder recognition (src/runtime/serving/modelFiles.ts) on the repository's real fixtures: the one
// rule the engines, the registry and the VS Code extension share.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MODEL_LOADERS, detectFramework } from '../../../src/runtime/serving/loadModelFolder';
import { MODEL_KINDS, recogniseModelFolder } from '../../../src/runtime/serving/modelFiles';

const FIXTURES = join(__dirname, '../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'modellab-modelfiles-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder holding copies of fixtures under the given names (or literal text for `text:` sources). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 'f-'));
  for (const [target, source] of Object.entries(files)) {
    if (source.startsWith('text:')) writeFileSync(join(dir, target), source.slice(5));
    else copyFileSync(join(FIXTURES, source), join(dir, target));
  }
  return dir;
}

const TFJS_MODEL_JSON = `text:${JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] })}`;

describe('recogniseModelFolder', () => {
  it('names the kind and main file of each format', () => {
    const cases: [Record<string, string>, string, string | undefined][] = [
      [{ 'modellab.json': 'text:{}', 'model.json': TFJS_MODEL_JSON }, 'modellab-bundle', 'modellab.json'],
      [{ 'model.json': 'xgboost/binary_logistic.json' }, 'xgboost', 'model.json'],
      [{ 'model.ubj': 'xgboost/binary_logistic.ubj' }, 'xgboost', 'model.ubj'],
      [{ 'model.bst': 'xgboost/legacy_binary.bst' }, 'xgboost', 'model.bst'],
      [{ 'net.onnx': 'onnx/torch_mlp.onnx' }, 'onnx', 'net.onnx'],
      [{ 'model.onnx': 'onnx/torch_mlp.onnx', 'other.onnx': 'onnx/torch_conv.onnx' }, 'onnx', 'model.onnx'],
      [{ 'model.h5': 'keras/mlp.h5' }, 'keras-h5', 'model.h5'],
      [{ 'my_model.h5': 'keras/cnn.h5' }, 'keras-h5', 'my_model.h5'],
      [{ 'model.joblib': 'sklearn/iris_logistic/model.joblib' }, 'sklearn', 'model.joblib'],
      [{ 'model.pkl': 'sklearn/iris_forest/model.pkl' }, 'sklearn', 'model.pkl'],
    ];
    for (const [files, kind, file] of cases) {
      const dir = folder(files);
      const found = recogniseModelFolder(dir);
      assert.equal(found?.kind, kind, JSON.stringify(files));
      assert.equal(found?.file, file && join(dir, file), JSON.stringify(files));
    }
  });

  it('goes by content, not by name', () => {
    assert.equal(recogniseModelFolder(folder({ 'model.json': TFJS_MODEL_JSON })), undefined, "a TensorFlow.js model.json is not XGBoost's");
    assert.equal(recogniseModelFolder(folder({ 'model.h5': 'text:not an HDF5 file' })), undefined, 'a .h5 that is not HDF5');
    assert.equal(recogniseModelFolder(folder({ 'modellab.json': 'text:{}' })), undefined, 'a manifest without its model.json');
    assert.equal(recogniseModelFolder(folder({ 'data.csv': 'text:a,b\n1,2\n' })), undefined);
    assert.equal(recogniseModelFolder(join(tmp, 'missing')), undefined, 'a folder that does not exist');
    const nested = folder({});
    mkdirSync(join(nested, 'model.joblib'));
    assert.equal(recogniseModelFolder(nested), undefined, 'a folder named like a model file is not one');
  });

  it('prefers the bundle over the model.onnx cached in it, and reports ambiguous ONNX folders', () => {
    const bundle = folder({ 'modellab.json': 'text:{}', 'model.json': TFJS_MODEL_JSON, 'model.onnx': 'onnx/torch_mlp.onnx' });
    assert.equal(recogniseModelFolder(bundle)?.kind, 'modellab-bundle');
    const two = recogniseModelFolder(folder({ 'a.onnx': 'onnx/torch_mlp.onnx', 'b.onnx': 'onnx/torch_conv.onnx' }));
    assert.equal(two?.kind, 'onnx');
    assert.equal(two?.file, undefined);
    assert.match(two?.problem ?? '', /several ONNX files \(a\.onnx, b\.onnx\)/);
  });

  it('is the rule the serving loaders follow: every kind has a loader, and detect agrees', async () => {
    for (const kind of MODEL_KINDS) assert.ok(MODEL_LOADERS.some((l) => l.framework === kind), kind);
    const dirs = [
      folder({ 'model.ubj': 'xgboost/binary_logistic.ubj' }),
      folder({ 'model.onnx': 'onnx/torch_mlp.onnx' }),
      folder({ 'model.h5': 'keras/mlp.h5' }),
      folder({ 'model.joblib': 'sklearn/iris_logistic/model.joblib' }),
      folder({ 'model.json': TFJS_MODEL_JSON }),
    ];
    for (const dir of dirs) {
      const kind = recogniseModelFolder(dir)?.kind;
      assert.equal((await detectFramework(dir))?.framework, kind, dir);
      for (const loader of MODEL_LOADERS) {
        // Each loader says yes exactly for its own kind on single-format folders.
        assert.equal(await loader.detect(dir), loader.framework === kind, `${loader.framework} on ${dir}`);
      }
    }
  });
});
