// Instances from what a user gives Predict: request bodies, arrays, JSON Lines, CSV, typed JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInstancesText } from '../../../../src/extension/serving/instancesInput';

describe('parseInstancesText', () => {
  it('reads a request body, a JSON array, one object, and JSON Lines', () => {
    assert.deepEqual(parseInstancesText('{"instances": [[1, 2], [3, 4]]}', 'req.json'), [[1, 2], [3, 4]]);
    assert.deepEqual(parseInstancesText('[{"a": 1}, {"a": 2}]', 'the input box'), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(parseInstancesText('{"a": 1}', 'the input box'), [{ a: 1 }], 'one object is one instance');
    assert.deepEqual(parseInstancesText('\uFEFF{"a": 1}\n\n{"a": 2}\n', 'x.json'), [{ a: 1 }, { a: 2 }], 'JSON Lines in a .json file, BOM stripped');
    assert.deepEqual(parseInstancesText('[1,2]\n[3,4]\n', 'x.jsonl'), [[1, 2], [3, 4]]);
  });

  it('reads CSV with a header row: numbers become numbers, quotes are undone', () => {
    const csv = 'sepal_length,species,note\r\n5.1,setosa,"a, b"\r\n4.9,"ver""si",\r\n';
    assert.deepEqual(parseInstancesText(csv, 'iris.csv'), [
      { sepal_length: 5.1, species: 'setosa', note: 'a, b' },
      { sepal_length: 4.9, species: 'ver"si', note: '' },
    ]);
  });

  it('names the file and line of what is wrong', () => {
    assert.throws(() => parseInstancesText('{"a": 1}\n{oops\n', 'in.jsonl'), /in\.jsonl:2: not JSON/);
    assert.throws(() => parseInstancesText('a,b\n1\n', 'in.csv'), /in\.csv:2: 1 cells, but the header has 2/);
    assert.throws(() => parseInstancesText('a,b\n', 'in.csv'), /in\.csv: a CSV needs a header row and at least one data row/);
    assert.throws(() => parseInstancesText('{"instances": 3}', 'req.json'), /req\.json: "instances" must be a list/);
    assert.throws(() => parseInstancesText('[]', 'the input box'), /the input box: no instances/);
  });
});
