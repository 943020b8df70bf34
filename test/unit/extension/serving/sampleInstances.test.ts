// Sample instances from what a model folder says about itself (real fixtures where the repo has them).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { instancesFromManifest, instancesFromSignatureDef, sampleInstancesFromFolder } from '../../../../src/extension/serving/sampleInstances';

const FIXTURES = join(__dirname, '../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'modellab-sample-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const manifest = {
  signature: {
    rawInputs: [
      { name: 'sepal_length', type: 'number' },
      { name: 'color', type: 'string' },
      { name: 'size', type: 'number' },
      { name: 'bucket', type: 'number' },
      { name: 'raw', type: 'number' },
    ],
  },
  transform: {
    features: [
      { column: 'sepal_length', transform: 'zscore', fill: 5.8, mean: 5.8433, std: 0.8 },
      { column: 'color', transform: 'vocabulary', fill: '', vocabulary: ['red', 'blue'], oovBuckets: 0, encoding: 'onehot' },
      { column: 'size', transform: 'minmax', fill: 0, min: 2, max: 4 },
      { column: 'bucket', transform: 'quantile', fill: 0, boundaries: [1, 2, 3], encoding: 'index' },
    ],
  },
};

describe('sample instances', () => {
  it("a bundle's raw inputs at the transform's typical values", () => {
    assert.deepEqual(instancesFromManifest(manifest, 'modellab.json'), [{ sepal_length: 5.843, color: 'red', size: 3, bucket: 2, raw: 0 }]);
    assert.throws(() => instancesFromManifest({}, '/m/modellab.json'), /\/m\/modellab\.json: signature\.rawInputs is missing or empty/);
  });

  it("zeros of the served signature's shapes (TF Serving metadata)", () => {
    const meta = (inputs: Record<string, unknown>) => ({ metadata: { signature_def: { signature_def: { serving_default: { inputs } } } } });
    const t = (dtype: string, ...dims: number[]) => ({ dtype, tensor_shape: { dim: dims.map((d) => ({ size: String(d) })) } });
    assert.deepEqual(instancesFromSignatureDef(meta({ x: t('DT_FLOAT', -1, 3) })), [[0, 0, 0]]);
    assert.deepEqual(instancesFromSignatureDef(meta({ img: t('DT_FLOAT', -1, 2, 2), tag: t('DT_STRING', -1) })), [{ img: [[0, 0], [0, 0]], tag: '' }]);
    assert.equal(instancesFromSignatureDef(meta({ x: t('DT_FLOAT', -1, -1) })), undefined, 'an unknown dimension cannot be guessed');
    assert.equal(instancesFromSignatureDef({}), undefined);
  });

  it('from the folder: a shipped sample file first, else the bundle manifest, else an XGBoost JSON feature count', () => {
    const xgb = mkdtempSync(join(tmp, 'x-'));
    copyFileSync(join(FIXTURES, 'xgboost/binary_logistic.json'), join(xgb, 'model.json'));
    assert.deepEqual(sampleInstancesFromFolder(xgb)?.instances, [new Array(8).fill(0)]);
    writeFileSync(join(xgb, 'instances.json'), '{"instances": [[1,2,3,4,5,6,7,8]]}');
    assert.deepEqual(sampleInstancesFromFolder(xgb), { instances: [[1, 2, 3, 4, 5, 6, 7, 8]], source: join(xgb, 'instances.json') });

    const bundle = mkdtempSync(join(tmp, 'b-'));
    writeFileSync(join(bundle, 'modellab.json'), JSON.stringify(manifest));
    writeFileSync(join(bundle, 'model.json'), JSON.stringify({ format: 'layers-model' }));
    assert.equal((sampleInstancesFromFolder(bundle)?.instances[0] as Record<string, unknown>).color, 'red');

    const onnx = mkdtempSync(join(tmp, 'o-'));
    copyFileSync(join(FIXTURES, 'onnx/torch_mlp.onnx'), join(onnx, 'model.onnx'));
    assert.equal(sampleInstancesFromFolder(onnx), undefined, 'only the served signature can tell');
    assert.throws(() => sampleInstancesFromFolder(mkdtempSync(join(tmp, 'e-'))), /holds no model Model Lab can serve/);
  });
});
