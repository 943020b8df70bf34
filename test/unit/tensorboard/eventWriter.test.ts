import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, encodeEvent, type TfEvent } from '../../../src/runtime/tensorboard/eventProto';
import { EventFileWriter, RunSummaryWriter, tensorboardLogDir } from '../../../src/runtime/tensorboard/eventWriter';
import { readTfRecords } from '../../../src/runtime/tensorboard/tfrecord';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'modellab-tb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function readEvents(dir: string): { file: string; events: TfEvent[] } {
  const files = readdirSync(dir).filter((f) => f.includes('tfevents'));
  assert.equal(files.length, 1, `one event file in ${dir}`);
  const { records, trailingBytes } = readTfRecords(readFileSync(join(dir, files[0])));
  assert.equal(trailingBytes, 0);
  return { file: files[0], events: records.map(decodeEvent) };
}

test('the file_version event encodes exactly as TensorFlow wrote it', () => {
  // Payload of the first record of a TensorFlow-written event file (TensorBoard's rustboard tf_record.rs).
  const tfBytes = Buffer.concat([Buffer.from('0900008038 99d6d741 1a0d'.replace(/ /g, ''), 'hex'), Buffer.from('brain.Event:2')]);
  const wallTime = tfBytes.readDoubleLE(1);
  assert.deepEqual(Buffer.from(encodeEvent({ wallTime, fileVersion: 'brain.Event:2' })), tfBytes);
});

test('a scalar event carries wall_time (1), step (2) and summary (5) { value (1) { tag (1), simple_value (2) } }', () => {
  const bytes = Buffer.from(encodeEvent({ wallTime: 1.5, step: 3, summary: { value: [{ tag: 'a', simpleValue: 0.5 }] } }));
  const expected = Buffer.concat([
    Buffer.from([0x09]), Buffer.from(new Float64Array([1.5]).buffer), // field 1, 64-bit
    Buffer.from([0x10, 0x03]), // field 2, varint
    Buffer.from([0x2a, 0x0a, 0x0a, 0x08]), // field 5 (10 bytes) > field 1 (8 bytes)
    Buffer.from([0x0a, 0x01, 0x61]), // tag "a"
    Buffer.from([0x15]), Buffer.from(new Float32Array([0.5]).buffer), // field 2, 32-bit
  ]);
  assert.deepEqual(bytes, expected);
  // A zero value stays on the wire (it is a oneof member), so TensorBoard sees 0 rather than "no value".
  const zero = decodeEvent(encodeEvent({ wallTime: 1, step: 0, summary: { value: [{ tag: 'a', simpleValue: 0 }] } }));
  assert.deepEqual(zero.summary, { value: [{ tag: 'a', simpleValue: 0 }] });
});

test('large steps survive the int64 round trip', () => {
  const step = 2 ** 40 + 1;
  assert.equal(decodeEvent(encodeEvent({ wallTime: 0, step, summary: { value: [] } })).step, step);
});

test('EventFileWriter starts with brain.Event:2 and appends scalars', async (t) => {
  const dir = join(tempDir(t), 'nested', 'run');
  const writer = new EventFileWriter(dir);
  writer.addScalar('epoch_loss', 0.25, 0, 100);
  writer.addScalar('epoch_loss', 0.125, 1, 101);
  writer.flush();
  // Readable while still open: every record is already on disk.
  assert.equal(readEvents(dir).events.length, 3);
  await writer.close();
  await writer.close();

  const { file, events } = readEvents(dir);
  assert.match(file, /^events\.out\.tfevents\.\d{10}\.[A-Za-z0-9._-]+\.\d+\.\d+$/);
  assert.equal(writer.path, join(dir, file));
  assert.equal(events[0].fileVersion, 'brain.Event:2');
  assert.ok(Math.abs(events[0].wallTime - Date.now() / 1000) < 60);
  assert.deepEqual(events.slice(1), [
    { wallTime: 100, step: 0, summary: { value: [{ tag: 'epoch_loss', simpleValue: 0.25 }] } },
    { wallTime: 101, step: 1, summary: { value: [{ tag: 'epoch_loss', simpleValue: 0.125 }] } },
  ]);
  assert.throws(() => writer.addScalar('epoch_loss', 1, 2), /closed/);
});

test('EventFileWriter rejects empty tags and non-integer steps', async (t) => {
  const writer = new EventFileWriter(tempDir(t));
  assert.throws(() => writer.addScalar('', 1, 0));
  assert.throws(() => writer.addScalar('x', 1, 1.5));
  await writer.close();
});

test('two writers in one folder in the same second get distinct files', async (t) => {
  const dir = tempDir(t);
  const a = new EventFileWriter(dir);
  const b = new EventFileWriter(dir);
  assert.notEqual(a.path, b.path);
  await Promise.all([a.close(), b.close()]);
});

test('RunSummaryWriter routes val_ metrics to validation/ and the rest to train/, with Keras tags', async (t) => {
  const logDir = tensorboardLogDir(tempDir(t));
  assert.match(logDir, /[/\\]tb$/);
  const writer = new RunSummaryWriter(logDir, { syncIntervalMs: 0 });
  writer.writeEpoch(0, { loss: 0.9, accuracy: 0.5, val_loss: 1.1, val_accuracy: 0.4 }, 10);
  writer.writeEpoch(1, { loss: 0.7, accuracy: 0.6, val_loss: undefined, lr: null, val_accuracy: 0.45 }, 11);
  await writer.close();
  assert.throws(() => writer.writeEpoch(2, { loss: 0.5 }), /closed/);

  assert.deepEqual(readdirSync(logDir).sort(), ['train', 'validation']);
  const scalars = (run: string) =>
    readEvents(join(logDir, run)).events.slice(1).map((e) => [e.step, e.summary?.value[0].tag, e.summary?.value[0].simpleValue]);
  assert.deepEqual(scalars('train'), [
    [0, 'epoch_loss', Math.fround(0.9)],
    [0, 'epoch_accuracy', Math.fround(0.5)],
    [1, 'epoch_loss', Math.fround(0.7)],
    [1, 'epoch_accuracy', Math.fround(0.6)],
  ]);
  assert.deepEqual(scalars('validation'), [
    [0, 'epoch_loss', Math.fround(1.1)],
    [0, 'epoch_accuracy', Math.fround(0.4)],
    [1, 'epoch_accuracy', Math.fround(0.45)],
  ]);
});

test('RunSummaryWriter opens no validation run when there are no val_ metrics', async (t) => {
  const logDir = join(tempDir(t), 'tb');
  const writer = new RunSummaryWriter(logDir);
  writer.writeEpoch(0, { loss: 1 });
  await writer.close();
  assert.deepEqual(readdirSync(logDir), ['train']);
});
