// "Show Model Info" Markdown: a bundle's signature, labels, metrics and lineage; other kinds say where to look.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { modelInfoMarkdown } from '../../../../src/extension/serving/modelInfo';

const FIXTURES = join(__dirname, '../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'modellab-info-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

it('renders a bundle manifest: signature, labels, metrics, lineage', () => {
  const dir = mkdtempSync(join(tmp, 'b-'));
  writeFileSync(join(dir, 'model.json'), '{"format":"layers-model"}');
  writeFileSync(
    join(dir, 'modellab.json'),
    JSON.stringify({
      task: 'classification',
      signature: { rawInputs: [{ name: 'petal_width', type: 'number' }], inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 4] }], outputs: [{ name: 'probabilities', dtype: 'float32', shape: [-1, 3] }] },
      labels: ['setosa', 'versicolor', 'virginica'],
      metrics: { val_accuracy: 0.9666666, val_loss: 0.1234567 },
      lineage: { runId: 'run-20261127-1', specFile: 'examples/iris/modellab.yaml', spec: { name: 'iris' }, hyperparameters: { learning_rate: 0.01 }, seed: 7, backend: 'wasm', epoch: 42, data: { files: [{ path: 'iris.csv', bytes: 4551, sha256: 'ab'.repeat(32) }], trainRecords: 120, evalRecords: 30, fingerprint: 'f00d' } },
    }),
  );
  const md = modelInfoMarkdown(dir);
  for (const expected of ['**Kind:** modellab-bundle', '| petal_width | number |', '| output | probabilities | float32 | [-1, 3] |', '1. `versicolor`', '| val_accuracy | 0.966667 |', '| Run | run-20261127-1 |', 'examples/iris/modellab.yaml (job iris)', '| learning_rate | 0.01 |', '| iris.csv | 4551 |', '120 train / 30 eval']) {
    assert.ok(md.includes(expected), `missing ${expected} in\n${md}`);
  }
});

it('for other kinds names the file and where the signature is, and for registry copies their version', () => {
  const version = join(tmp, 'reg', 'cancer', 'v3');
  mkdirSync(join(version, 'model'), { recursive: true });
  copyFileSync(join(FIXTURES, 'xgboost/binary_logistic.ubj'), join(version, 'model', 'model.ubj'));
  writeFileSync(join(version, 'version.json'), JSON.stringify({ name: 'v3', createTime: '2026-11-27T10:00:00Z', origin: '/work/models/cancer' }));
  const md = modelInfoMarkdown(join(version, 'model'));
  assert.ok(md.includes('**Kind:** xgboost'), md);
  assert.ok(md.includes('`model.ubj`'), md);
  assert.ok(md.includes('/v1/models/<model>/metadata'), md);
  assert.ok(md.includes('| Model | cancer |') && md.includes('| Version | v3 |') && md.includes('| Copied from | /work/models/cancer |'), md);
  assert.throws(() => modelInfoMarkdown(mkdtempSync(join(tmp, 'e-'))), /holds no model Model Lab can serve: expected a Model Lab bundle/);
});
