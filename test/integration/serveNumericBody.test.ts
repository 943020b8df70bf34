/**
 * The server's fast path for numeric `instances` (read from the bytes into one Float64Array) must be
 * invisible to clients: real ONNX models (PyTorch fixtures) answer byte for byte what the general
 * JSON.parse path answers, and what PyTorch computed; errors name the same instance; and only engines that
 * say they take NumericTensor instances ever get them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ModelEngine, PredictOutcome } from '../../src/runtime/serving/modelEngine';
import { NumericTensor } from '../../src/runtime/serving/numericTensor';
import { maxAbsDiff, onnxFixtureFolder } from '../fixtures/onnx/onnxFixtures';
import { post, serve } from './serveHarness';

const work = mkdtempSync(join(tmpdir(), 'ml-serve-numeric-'));
after(() => rmSync(work, { recursive: true, force: true }));

// A UTF-8 BOM is accepted (as gcloud strips it) but sends the body down the general JSON.parse path.
const BOM = '\ufeff';

for (const name of ['torch_mlp', 'torch_conv']) {
  test(`${name}: numeric instances answer as PyTorch computed, byte-identical to the general path, in each wire format`, async () => {
    const { dir, fixture } = onnxFixtureFolder(work, name);
    const server = await serve({ folder: dir, name: 'm' });
    try {
      const body = JSON.stringify({ instances: fixture.instances });
      for (const path of ['/v1/projects/p/models/m:predict', '/v1/models/m:predict', '/v1/projects/p/locations/l/endpoints/m:predict']) {
        const fast = await post(server.url + path, body);
        const general = await post(server.url + path, BOM + body);
        assert.equal(fast.status, 200, fast.text);
        assert.equal(fast.text, general.text);
        const [output] = Object.keys(fixture.expected);
        assert.ok(maxAbsDiff((fast.body as { predictions: unknown[] }).predictions, fixture.expected[output]) <= 1e-5);
      }
      // Pretty-printed, with other fields and a 17-digit number or two: still the same answer.
      const pretty = JSON.stringify({ signature_name: 'serving_default', instances: fixture.instances }, null, 2);
      assert.equal((await post(`${server.url}/v1/projects/p/models/m:predict`, pretty)).text, (await post(`${server.url}/v1/projects/p/models/m:predict`, body)).text);
    } finally {
      await server.server.close();
    }
  });
}

test('a numeric instance of the wrong shape fails with the same message, naming its index, as on the general path', async () => {
  const { dir, fixture } = onnxFixtureFolder(work, 'torch_mlp');
  const server = await serve({ folder: dir, name: 'm' });
  try {
    const rows = fixture.instances as number[][];
    const body = JSON.stringify({ instances: [rows[0], rows[1], [...rows[2], 0.5]] });
    const fast = await post(`${server.url}/v1/projects/p/models/m:predict`, body);
    const general = await post(`${server.url}/v1/projects/p/models/m:predict`, BOM + body);
    assert.equal(fast.status, 400);
    assert.match(fast.text, /instance 2/);
    assert.equal(fast.text, general.text);
  } finally {
    await server.server.close();
  }
});

/** Says what kind of instance it was given: a NumericTensor (with its shape) or what JSON.parse made. */
function kindEngine(acceptsNumericTensors: boolean): ModelEngine {
  return {
    framework: 'kind',
    runtime: 'typescript',
    acceptsNumericTensors,
    signature: { inputs: [], outputs: [] },
    async predict(instances: unknown[]): Promise<PredictOutcome[]> {
      return instances.map((x) => ({ prediction: x instanceof NumericTensor ? { tensor: x.shape } : { json: x } }));
    },
    async close() {},
  };
}

test('only an engine that accepts NumericTensor instances gets them, and only for numeric bodies', async () => {
  for (const accepts of [true, false]) {
    const server = await serve({ folder: work, name: 'm', load: async () => kindEngine(accepts) });
    try {
      const numeric = await post(`${server.url}/v1/models/m:predict`, '{"instances": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}');
      assert.deepEqual(numeric.body, { predictions: accepts ? [{ tensor: [2, 2] }, { tensor: [2, 2] }] : [{ json: [[1, 2], [3, 4]] }, { json: [[5, 6], [7, 8]] }] });
      const mixed = await post(`${server.url}/v1/models/m:predict`, '{"instances": [[1, 2], {"x": 3}]}');
      assert.deepEqual(mixed.body, { predictions: [{ json: [1, 2] }, { json: { x: 3 } }] });
    } finally {
      await server.server.close();
    }
  }
});
