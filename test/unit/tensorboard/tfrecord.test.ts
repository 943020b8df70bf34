import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TfRecordCorruptionError, frameRecord, readTfRecords } from '../../../src/runtime/tensorboard/tfrecord';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Two records of an event file written by TensorFlow (`tf.summary.scalar("accuracy", 0.99, step=77)`), as
// published byte for byte in TensorBoard's rustboard tests (tensorboard/data/server/tf_record.rs).
const TF_RECORD_1 = {
  data: Buffer.concat([hex('09 00 00 80 38 99 d6 d7 41 1a 0d'), Buffer.from('brain.Event:2')]),
  header: hex('18 00 00 00 00 00 00 00  a3 7f 4b 22'),
  footer: hex('12 4b 36 ab'),
};
const TF_RECORD_2 = {
  data: Buffer.concat([
    hex('09 c4 05 b7 3d 99 d6 d7 41  10 4d  2a 25  0a 23 0a 08'),
    Buffer.from('accuracy'),
    hex('42 0a 08 01 12 00 22 04 a4 70 7d 3f 4a  0b 0a 09 0a 07'),
    Buffer.from('scalars'),
  ]),
  header: hex('32 00 00 00 00 00 00 00  24 19 56 ec'),
  footer: hex('a5 5b 64 33'),
};
const tfFile = Buffer.concat(
  [TF_RECORD_1, TF_RECORD_2].flatMap((r) => [r.header, r.data, r.footer]),
);

test('framing reproduces TensorFlow-written records byte for byte', () => {
  assert.deepEqual(frameRecord(TF_RECORD_1.data), Buffer.concat([TF_RECORD_1.header, TF_RECORD_1.data, TF_RECORD_1.footer]));
  assert.deepEqual(frameRecord(TF_RECORD_2.data), Buffer.concat([TF_RECORD_2.header, TF_RECORD_2.data, TF_RECORD_2.footer]));
});

test('the reader accepts a TensorFlow-written file', () => {
  const { records, trailingBytes } = readTfRecords(tfFile);
  assert.deepEqual(records, [TF_RECORD_1.data, TF_RECORD_2.data]);
  assert.equal(trailingBytes, 0);
});

test('round trip, including an empty record and one larger than 64 KiB', () => {
  const payloads = [Buffer.from('first'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from([0xff, 0, 0x80])];
  const file = Buffer.concat(payloads.map(frameRecord));
  assert.equal(file.length, payloads.reduce((n, p) => n + p.length + 16, 0));
  assert.deepEqual(readTfRecords(file), { records: payloads, trailingBytes: 0 });
});

test('a flipped data byte is reported as a data checksum mismatch at its record', () => {
  const first = frameRecord(Buffer.from('ok'));
  const file = Buffer.concat([first, frameRecord(Buffer.from('payload'))]);
  file[first.length + 12 + 3] ^= 0x01;
  assert.throws(() => readTfRecords(file), (e: unknown) => {
    assert.ok(e instanceof TfRecordCorruptionError);
    assert.equal(e.part, 'data');
    assert.equal(e.offset, first.length);
    return true;
  });
});

test('a flipped length byte, or a damaged stored checksum, is reported too', () => {
  const lengthFlipped = frameRecord(Buffer.from('payload'));
  lengthFlipped[0] ^= 0x04;
  assert.throws(() => readTfRecords(lengthFlipped), { name: 'TfRecordCorruptionError', part: 'length', offset: 0 });

  const lengthCrcFlipped = frameRecord(Buffer.from('payload'));
  lengthCrcFlipped[9] ^= 0x80;
  assert.throws(() => readTfRecords(lengthCrcFlipped), { part: 'length' });

  const footerFlipped = frameRecord(Buffer.from('payload'));
  footerFlipped[footerFlipped.length - 1] ^= 0x10;
  assert.throws(() => readTfRecords(footerFlipped), { part: 'data' });
});

test('a record cut short by a crash is left as trailing bytes; earlier records still read', () => {
  const complete = [Buffer.from('epoch 0'), Buffer.from('epoch 1')];
  const last = frameRecord(Buffer.from('epoch 2, never finished'));
  const prefix = Buffer.concat(complete.map(frameRecord));
  // Every possible cut: inside the header, inside the data, inside the footer.
  for (let cut = 1; cut < last.length; cut++) {
    const file = Buffer.concat([prefix, last.subarray(0, cut)]);
    assert.deepEqual(readTfRecords(file), { records: complete, trailingBytes: cut }, `cut at ${cut}`);
  }
});

test('reads from a view into a larger buffer', () => {
  const framed = frameRecord(Buffer.from('inside'));
  const big = Buffer.concat([Buffer.from('junk'), framed, Buffer.from('more junk')]);
  const view = new Uint8Array(big.buffer, big.byteOffset + 4, framed.length);
  assert.deepEqual(readTfRecords(view).records, [Buffer.from('inside')]);
});
