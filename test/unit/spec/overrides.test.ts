import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJobSpecText } from '../../../src/runtime/spec/loadJobSpec';
import { applyOverrides, parseOverride } from '../../../src/runtime/spec/overrides';
import { BASE, FILE, problemAt, problemsOf } from './specTestUtils';

describe('--set overrides', () => {
  it('reads values as YAML scalars and flow collections', () => {
    const value = (text: string) => {
      const parsed = parseOverride(`a.b=${text}`);
      assert.ok(!('message' in parsed), `unexpected problem for ${text}`);
      return parsed.value;
    };
    assert.equal(value('64'), 64);
    assert.equal(value('0.01'), 0.01);
    assert.equal(value('1e-4'), 0.0001);
    assert.equal(value('true'), true);
    assert.equal(value('adam'), 'adam');
    assert.equal(value('"64"'), '64');
    assert.deepEqual(value('[1, 2]'), [1, 2]);
    assert.deepEqual(value('{type: adam, learningRate: 0.1}'), { type: 'adam', learningRate: 0.1 });
    // What a shell user means by a glob is a string, not a YAML alias.
    assert.equal(value('data/*.csv'), 'data/*.csv');
    assert.equal(value('*.csv'), '*.csv');
    assert.equal(value('a=b'), 'a=b');
    assert.equal(value('{{units}}'), '{{units}}');
    assert.equal(value(''), undefined);
  });

  it('parses dotted paths with list indices, in either notation', () => {
    assert.deepEqual((parseOverride('model.layers.0.units=64') as { path: unknown }).path, ['model', 'layers', 0, 'units']);
    assert.deepEqual((parseOverride('model.layers[1].rate=0.5') as { path: unknown }).path, ['model', 'layers', 1, 'rate']);
  });

  it('applies overrides to a copy, in order, creating mappings on the way', () => {
    const original = { training: { epochs: 10 }, model: { layers: [{ type: 'dense', units: 8 }] } };
    const { spec, applied, problems } = applyOverrides(original, ['training.epochs=3', 'training.optimizer.learningRate=0.01', 'model.layers.0.units=64', 'training.epochs=4']);
    assert.deepEqual(problems, []);
    assert.equal(applied.length, 4);
    assert.deepEqual(spec, { training: { epochs: 4, optimizer: { learningRate: 0.01 } }, model: { layers: [{ type: 'dense', units: 64 }] } });
    assert.equal(original.training.epochs, 10);
  });

  it('appends to a list at its length, removes a field set to null, and refuses gaps', () => {
    const { spec, problems } = applyOverrides({ a: [1], b: 2 }, ['a.1=5', 'b=null', 'a.5=9']);
    assert.deepEqual(spec, { a: [1, 5] });
    assert.deepEqual(problems.map((p) => p.message), ["--set 'a.5=9': a has 2 items; index 5 is past its end"]);
  });

  it('rejects malformed overrides', () => {
    const { problems } = applyOverrides({ name: 'x' }, ['epochs', '=3', 'a..b=1', 'name.first=1', 'x=[1, 2']);
    assert.deepEqual(problems.map((p) => p.message), [
      "--set 'epochs': expected key.path=value",
      "--set '=3': '' is not a field path (expected e.g. training.epochs=10)",
      "--set 'a..b=1': 'a..b' is not a field path (expected e.g. training.epochs=10)",
      "--set 'name.first=1': name is the string 'x', not a mapping or list",
      "--set 'x=[1, 2': the value is not valid YAML: Flow sequence must end with a ]",
    ]);
  });

  it('loads a spec with overrides applied before validation', () => {
    const loaded = parseJobSpecText(BASE, FILE, { overrides: ['training.epochs=3', 'model.layers.0.units=64', 'training.optimizer={type: sgd, learningRate: 0.1}'] });
    assert.equal(loaded.spec.training?.epochs, 3);
    assert.deepEqual(loaded.spec.model, { head: 'auto', layers: [{ type: 'dense', units: 64, activation: 'relu' }] });
    assert.deepEqual(loaded.spec.training?.optimizer, { type: 'sgd', learningRate: 0.1 });
  });

  it('says that a problem came from --set, without blaming a line of the file', () => {
    const problems = problemsOf(BASE, { overrides: ['training.epoch=5', 'model.layers.0.units=many'] });
    const unknown = problemAt(problems, 'training.epoch');
    assert.equal(unknown.message, "unknown field 'epoch' (from --set training.epoch=5)");
    assert.equal(unknown.suggestion, 'epochs');
    assert.deepEqual([unknown.file, unknown.line, unknown.column], [FILE, 0, 0]);
    assert.match(problemAt(problems, 'model.layers.0.units').message, /got string 'many' \(from --set model.layers.0.units=many\)$/);
  });

  it('reports a malformed override together with the file problems', () => {
    const problems = problemsOf(BASE.replace('epochs: 10', 'epochs: ten'), { overrides: ['training'] });
    assert.deepEqual(problems.map((p) => [p.path, p.line]), [['', 0], ['training.epochs', 9]]);
  });

  it('catches a required field removed by --set', () => {
    const p = problemAt(problemsOf(BASE, { overrides: ['data.label=null'] }), 'data.label');
    assert.equal(p.message, "missing required field 'label' (from --set data.label=null)");
  });
});
