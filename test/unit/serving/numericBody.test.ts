/**
 * The online server's fast path for numeric `instances`: every number must come out bit for bit as
 * JSON.parse gives it, the instance shapes as written, and anything it does not fully understand must be
 * left to the general parser (undefined), never half-read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumericTensor } from '../../../src/runtime/serving/numericTensor';
import { readNumericInstances } from '../../../src/runtime/serving/server/numericBody';

const read = (text: string) => readNumericInstances(Buffer.from(text, 'utf8'));

function nested(body: Record<string, unknown> | undefined): unknown[] {
  assert.ok(body, 'the fast path should have taken this body');
  return (body.instances as NumericTensor[]).map((t) => {
    assert.ok(t instanceof NumericTensor);
    return t.toNested();
  });
}

/** Same value, -0 and +0 told apart (assert.deepStrictEqual uses Object.is for numbers). */
function sameAsJsonParse(text: string) {
  const expected = (JSON.parse(text) as { instances: unknown[] }).instances;
  assert.deepStrictEqual(nested(read(text)), expected, text.slice(0, 200));
}

test('numbers: every JSON number form gives the same double as JSON.parse', () => {
  const forms = [
    '0', '-0', '1', '-1', '0.5', '-0.0', '1e0', '1E+2', '1e-2', '123.456e-7', '-9.87654321e+21', '0.000001',
    '1.7976931348623157e308', '2.2250738585072014e-308', '4.9e-324', '1e-400', '1e400', '-1e400',
    '9007199254740993', '123456789012345678901234567890', '0.1', '0.2', '0.30000000000000004',
    '3.141592653589793', '2.718281828459045', '1.0000000000000002', '0.9999999999999999', '100000000000000000000000',
    '1e22', '1e23', '8.98846567431158e307', '5e-324', '0.00000000000000000000001', '123456789012345.6',
  ];
  sameAsJsonParse(`{"instances": [[${forms.join(', ')}]]}`);
});

test('numbers: 20,000 random decimals of every length and exponent agree with JSON.parse bit for bit', () => {
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const numbers: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const sign = rand() < 0.3 ? '-' : '';
    const int = rand() < 0.4 ? '0' : String(1 + Math.floor(rand() * 9)) + digits(Math.floor(rand() * 12));
    const frac = rand() < 0.7 ? '.' + digits(1 + Math.floor(rand() * 19)) : '';
    const exp = rand() < 0.3 ? (rand() < 0.5 ? 'e' : 'E') + (['', '+', '-'][Math.floor(rand() * 3)]) + Math.floor(rand() * 40) : '';
    numbers.push(sign + int + frac + exp);
  }
  // Also what JSON.stringify writes for random doubles (shortest round-trip forms).
  for (let i = 0; i < 5_000; i++) numbers.push(JSON.stringify((rand() - 0.5) * 10 ** Math.floor(rand() * 60 - 30)));
  sameAsJsonParse(`{"instances":[[${numbers.join(',')}]]}`);
});

test('shapes: rows, scalars and images keep their shape; views share one buffer; other fields come through', () => {
  const body = read('{ "signature_name": "serving_default", "instances" : [ [[1, 2], [3, 4]] , [[5,6],[7,8]] ], "parameters": {"a": [1, "x"]} }\n');
  assert.ok(body);
  assert.equal(body.signature_name, 'serving_default');
  assert.deepEqual(body.parameters, { a: [1, 'x'] });
  const [a, b] = body.instances as NumericTensor[];
  assert.deepEqual(a.shape, [2, 2]);
  assert.deepEqual(Array.from(b.values), [5, 6, 7, 8]);
  assert.equal(a.values.buffer, b.values.buffer);
  assert.deepEqual(nested(read('{"instances": [1.5, -2, 3e2]}')), [1.5, -2, 300]);
  sameAsJsonParse(`{"instances": ${JSON.stringify(Array.from({ length: 64 }, (_, i) => Array.from({ length: 784 }, (_, k) => ((i * 784 + k) % 997) / 997)))}}`);
});

test('anything not plainly numeric is left to the general parser', () => {
  const general = [
    '{"instances": [[1, "2"]]}', // a string
    '{"instances": [{"x": [1, 2]}]}', // objects
    '{"instances": [[1, 2], [3]]}', // ragged
    '{"instances": [[1, 2], 3]}', // mixed rank
    '{"instances": [3, [1, 2]]}',
    '{"instances": [[[1], [2, 3]]]}', // ragged inside
    '{"instances": [[]]}', // an empty list
    '{"instances": []}', // no instances: the general path words the error
    '{"instances": [[NaN, 1]]}', // TF Serving's extension: the general path handles it
    '{"instances": [[Infinity]]}',
    '{"instances": [[01]]}', // a leading zero
    '{"instances": [[1.]]}',
    '{"instances": [[.5]]}',
    '{"instances": [[1e]]}',
    '{"instances": [[+1]]}',
    '{"instances": [[1 2]]}',
    '{"instances": [[1, 2]], }',
    '{"instances": [[1, 2]]} x', // trailing garbage
    '{"instances": [[1, 2]]',
    '{"instances": [[1, 2]], "instances": [[3, 4]]}', // a repeated key
    '{"inst\\u0061nces": [[1, 2]]}', // an escape in a key
    '{"instances": [[1, 2]], "x": [1, }', // broken elsewhere
    '{"instances": [[1, 2]], "x": tru}',
    '\ufeff{"instances": [[1, 2]]}', // a BOM
    '[[1, 2]]',
    '{"inputs": [[1, 2]]}', // the columnar form
    '',
    `{"instances": [${'['.repeat(9)}1${']'.repeat(9)}]}`, // deeper than the fast path goes
  ];
  for (const text of general) assert.equal(read(text), undefined, text);
});

test('escaped strings elsewhere in the body are skipped correctly', () => {
  const body = read('{"note": "a \\"quoted\\" ] } , \\\\", "instances": [[1, 2]], "z": {"k": "]}"}}');
  assert.ok(body);
  assert.equal(body.note, 'a "quoted" ] } , \\');
  assert.deepEqual(body.z, { k: ']}' });
  assert.deepEqual(nested(body), [[1, 2]]);
});
