import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, maskCrc32c, maskedCrc32c, unmaskCrc32c } from '../../../src/runtime/tensorboard/crc32c';

const bytes = (length: number, at: (i: number) => number) => Uint8Array.from({ length }, (_, i) => at(i));

// RFC 3720 (iSCSI), appendix B.4 "CRC Examples"; the same vectors are in TensorFlow's crc32c_test.cc.
test('RFC 3720 B.4 vectors', () => {
  assert.equal(crc32c(bytes(32, () => 0x00)), 0x8a9136aa);
  assert.equal(crc32c(bytes(32, () => 0xff)), 0x62a8ab43);
  assert.equal(crc32c(bytes(32, (i) => i)), 0x46dd794e);
  assert.equal(crc32c(bytes(32, (i) => 31 - i)), 0x113fdb5c);
});

test('RFC 3720 B.4 iSCSI read command PDU, and its unaligned slices from TensorFlow crc32c_test.cc', () => {
  const pdu = Uint8Array.from([
    0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
    0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  ]);
  assert.equal(crc32c(pdu), 0xd9963a56);
  assert.equal(crc32c(pdu.subarray(0, pdu.length - 7)), 0xdd1b19be);
  assert.equal(crc32c(pdu.subarray(1, pdu.length - 3)), 0x4930c4b1);
});

test('the standard check value: "123456789" and the empty input', () => {
  assert.equal(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('results are unsigned 32-bit integers', () => {
  // 0xe3069283 has the top bit set: crc-32 itself would return it negative.
  const crc = crc32c(Buffer.from('123456789', 'ascii'));
  assert.ok(crc > 0x7fffffff && crc <= 0xffffffff);
  assert.ok(maskCrc32c(0xffffffff) >= 0);
});

test('extending with a seed equals one pass over the concatenation', () => {
  const whole = crc32c(Buffer.from('hello world'));
  assert.equal(crc32c(Buffer.from('world'), crc32c(Buffer.from('hello '))), whole);
});

test('mask and unmask are inverse, and masking changes the value', () => {
  for (const crc of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, crc32c(Buffer.from('foo'))]) {
    assert.equal(unmaskCrc32c(maskCrc32c(crc)), crc);
    assert.equal(unmaskCrc32c(unmaskCrc32c(maskCrc32c(maskCrc32c(crc)))), crc);
  }
  const foo = crc32c(Buffer.from('foo'));
  assert.notEqual(maskCrc32c(foo), foo);
  assert.notEqual(maskCrc32c(maskCrc32c(foo)), foo);
});

// Published in TensorBoard's rustboard (tensorboard/data/server/masked_crc.rs, tf_record.rs): checksums taken
// from event files that TensorFlow itself wrote.
test('masked values from real TensorFlow event files', () => {
  assert.equal(maskedCrc32c(Buffer.from('\x1a\x11CRC test, one two', 'latin1')), 0x5794d08a);
  // Masked CRC of the 8-byte little-endian length 24 (a record header).
  assert.equal(maskedCrc32c(Buffer.from([24, 0, 0, 0, 0, 0, 0, 0])), 0x224b7fa3);
  assert.equal(maskCrc32c(0x8a9136aa), maskedCrc32c(new Uint8Array(32)));
});
