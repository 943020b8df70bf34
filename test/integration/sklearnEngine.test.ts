// scikit-learn model folders served through the real Python worker, against what scikit-learn itself
// predicted when test/fixtures/sklearn/make_fixtures.py wrote them. Skipped when no Python with
// scikit-learn is installed (Debian: apt-get install python3-sklearn); the "what is missing" errors are
// tested either way.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SklearnEngine, sklearnLoader } from '../../src/runtime/serving/engines/sklearnEngine';
import { probeSklearn, resolveSklearnPython, SklearnUnavailableError, SklearnWorker } from '../../src/runtime/sklearn/sklearnWorker';
import type { PredictOutcome } from '../../src/runtime/serving/modelEngine';
import { detectFramework } from '../../src/runtime/serving/loadModelFolder';

const FIXTURES = join(__dirname, '../fixtures/sklearn');
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));
interface Case {
  file: string;
  inputs: number[][];
  predict: unknown[];
  predict_proba?: number[][];
  classes?: unknown[];
}
const cases: Record<string, Case> = fixture.cases;

let python: string | undefined;
try {
  python = resolveSklearnPython().python;
} catch {
  python = undefined;
}
const skip = python ? false : 'no Python with scikit-learn (apt-get install python3-sklearn)';
const tmp = mkdtempSync(join(tmpdir(), 'modellab-sklearn-'));
const engines: SklearnEngine[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.close()));
  rmSync(tmp, { recursive: true, force: true });
});

function predictions(outcomes: PredictOutcome[]): unknown[] {
  return outcomes.map((o, i) => {
    assert.ok('prediction' in o, `instance ${i}: ${'error' in o ? o.error : ''}`);
    return o.prediction;
  });
}

function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', where);
    assert.ok(Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${where}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), where);
    assert.equal((actual as unknown[]).length, expected.length, where);
    expected.forEach((e, k) => assertClose((actual as unknown[])[k], e, `${where}[${k}]`));
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

describe('scikit-learn engine (Python worker)', () => {
  it('the model-folder registry picks the scikit-learn engine for model.joblib and model.pkl', async () => {
    assert.equal((await detectFramework(join(FIXTURES, 'iris_logistic')))?.framework, 'sklearn');
    assert.equal((await detectFramework(join(FIXTURES, 'iris_forest')))?.framework, 'sklearn');
  });

  it('says what is missing when no Python has scikit-learn', () => {
    assert.throws(
      () => resolveSklearnPython({ MODELLAB_PYTHON: join(tmp, 'no-such-python') }),
      (err: Error) =>
        err instanceof SklearnUnavailableError &&
        /could not be run/.test(err.message) &&
        /apt-get install python3-sklearn/.test(err.message) &&
        /skl2onnx/.test(err.message) &&
        /MODELLAB_PYTHON/.test(err.message),
    );
  });

  // One worker per fixture, started together (importing scikit-learn takes seconds), shared by the tests below.
  const loaded = new Map<string, SklearnEngine>();

  it('serves each fixture as scikit-learn predicted it (predict, as Cloud does)', { skip }, async () => {
    await Promise.all(
      Object.entries(cases).map(async ([name, c]) => {
        const dir = join(FIXTURES, name);
        assert.ok(await sklearnLoader.detect(dir), name);
        const engine = (await sklearnLoader.load(dir)) as SklearnEngine;
        engines.push(engine);
        loaded.set(name, engine);
        assert.equal(engine.framework, 'sklearn');
        assert.equal(engine.runtime, 'python');
        assertClose(predictions(await engine.predict(c.inputs)), c.predict, name);
        assert.equal(engine.signature.inputs[0].shape[1], c.inputs[0].length, 'the worker reported the feature count');
      }),
    );
  });

  it('predict_proba: class probabilities in classes_ order', { skip }, async () => {
    for (const name of ['iris_logistic', 'iris_forest']) {
      const c = cases[name];
      const worker = loaded.get(name)!.worker;
      assert.deepEqual(worker.info?.classes, c.classes);
      assertClose(predictions(await worker.predict(c.inputs, 'predict_proba')), c.predict_proba, name);
    }
    const c = cases.iris_logistic;
    const engine = new SklearnEngine(join(FIXTURES, c.file), { method: 'predict_proba', python });
    engines.push(engine);
    await engine.start();
    assert.deepEqual(engine.signature.outputs[0].shape, [-1, 3]);
    assertClose(predictions(await engine.predict(c.inputs)), c.predict_proba, 'engine');
    const [outcome] = await loaded.get('iris_svc_pipeline')!.worker.predict([cases.iris_svc_pipeline.inputs[0]], 'predict_proba').catch((err: Error) => [{ error: err.message }]);
    assert.ok('error' in outcome && /no predict_proba method/.test(outcome.error), JSON.stringify(outcome));
  });

  it('a bad instance fails alone; the others are predicted', { skip }, async () => {
    const c = cases.iris_forest;
    const engine = loaded.get('iris_forest')!;
    const outcomes = await engine.predict([c.inputs[0], [1, 2], 'not a row', c.inputs[1], [1, null, 3, 4]]);
    assert.deepEqual((outcomes[0] as { prediction: unknown }).prediction, c.predict[0]);
    assert.match((outcomes[1] as { error: string }).error, /^instance 1: ValueError: X has 2 features/);
    assert.match((outcomes[2] as { error: string }).error, /^instance 2: /);
    assert.deepEqual((outcomes[3] as { prediction: unknown }).prediction, c.predict[1]);
    assert.match((outcomes[4] as { error: string }).error, /^instance 4: ValueError: .*NaN/);
    await Promise.all([...loaded.values()].map((e) => e.close()));
  });

  it('starts lazily, is restarted when it dies, and stops on close', { skip }, async () => {
    const c = cases.iris_logistic;
    const engine = new SklearnEngine(join(FIXTURES, c.file), { python });
    engines.push(engine);
    assert.equal(engine.worker.pid, undefined, 'nothing runs before the first request');
    assertClose(predictions(await engine.predict(c.inputs.slice(0, 3))), c.predict.slice(0, 3), 'first');
    const pid = engine.worker.pid!;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    assertClose(predictions(await engine.predict(c.inputs.slice(3, 6))), c.predict.slice(3, 6), 'after restart');
    assert.equal(engine.worker.starts, 2);
    assert.notEqual(engine.worker.pid, pid);
    // Concurrent batches on one worker come back to their own callers.
    const batches = await Promise.all([0, 1, 2, 3].map((k) => engine.predict(c.inputs.slice(k * 3, k * 3 + 3))));
    batches.forEach((b, k) => assertClose(predictions(b), c.predict.slice(k * 3, k * 3 + 3), `batch ${k}`));
    const last = engine.worker.pid!;
    await engine.close();
    assert.equal(engine.worker.pid, undefined);
    assert.throws(() => process.kill(last, 0), /ESRCH/, 'the process is gone');
  });

  it('refuses pickles that are not scikit-learn models, and corrupt files, naming the problem', { skip }, async () => {
    const dir = mkdtempSync(join(tmp, 'not-sklearn-'));
    const r = await import('node:child_process').then((cp) =>
      cp.spawnSync(python!, ['-c', 'import pickle,sys; pickle.dump({"a": 1}, open(sys.argv[1], "wb"))', join(dir, 'model.pkl')]),
    );
    assert.equal(r.status, 0);
    const engine = (await sklearnLoader.load(dir)) as SklearnEngine;
    engines.push(engine);
    const corrupt = mkdtempSync(join(tmp, 'corrupt-'));
    writeFileSync(join(corrupt, 'model.joblib'), 'this is not a joblib file');
    const bad = new SklearnEngine(join(corrupt, 'model.joblib'), { python });
    engines.push(bad);
    await Promise.all([
      assert.rejects(engine.start(), /Invalid model type detected: builtins\.dict/),
      assert.rejects(bad.start(), /Failed to load model/),
    ]);
    const [outcome] = await engine.predict([[1]]);
    assert.ok('error' in outcome && /Invalid model type/.test(outcome.error));
    assert.equal(engine.worker.starts, 1, 'a model that cannot be loaded is not loaded again for every request');
    await Promise.all([engine.close(), bad.close()]);
  });

  it('a Python without scikit-learn is refused with advice', { skip }, async () => {
    // The same Python without its site-packages cannot import scikit-learn.
    const wrapper = join(tmp, 'python-without-site');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${python} -S "$@"\n`);
    chmodSync(wrapper, 0o755);
    const why = probeSklearn(wrapper);
    assert.equal(typeof why, 'string');
    assert.match(why as string, /cannot import scikit-learn/);
    assert.throws(() => resolveSklearnPython({ MODELLAB_PYTHON: wrapper }), /apt-get install python3-sklearn/);
    const dir = mkdtempSync(join(tmp, 'copy-'));
    copyFileSync(join(FIXTURES, cases.iris_logistic.file), join(dir, 'model.joblib'));
    const worker = new SklearnWorker(join(dir, 'model.joblib'), { python: wrapper });
    await assert.rejects(worker.start(), (err: Error) => err instanceof SklearnUnavailableError && /skl2onnx/.test(err.message));
    await worker.close();
  });
});
