// Reads event files written by RunSummaryWriter with Google's protobuf runtime for Python and a TFRecord/CRC-32C
// reader written independently in Python (fixtures/read_tfevents.py), so a shared misreading of the format
// between our writer and our own reader cannot pass unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunSummaryWriter, tensorboardLogDir, type EpochMetrics } from '../../src/runtime/tensorboard/eventWriter';

const PYTHON = '/usr/bin/python3';
const READER = join(__dirname, 'fixtures', 'read_tfevents.py');

interface Scalar { tag: string; step: number; value: number | string; wall_time: number }
interface FileReport { file: string; file_version: string | null; trailing_bytes: number; scalars: Scalar[] }
type Report = { runs: Record<string, FileReport[]> };

function skipReason(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import google.protobuf'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} is not available (${probe.error.message}); install Debian python3`;
  if (probe.status !== 0) return `${PYTHON} lacks google.protobuf; install Debian python3-protobuf`;
  return undefined;
}
const skip = skipReason();

function readWithPython(logDir: string): Report {
  const result = spawnSync(PYTHON, [READER, logDir], { encoding: 'utf8' });
  assert.equal(result.status, 0, `read_tfevents.py failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

const EPOCHS: EpochMetrics[] = [
  { loss: 1.0986, accuracy: 0.3333, val_loss: 1.2, val_accuracy: 0.3 },
  { loss: 0.8123456789, accuracy: 0.61, val_loss: 0.9, val_accuracy: 0.55 },
  { loss: 0.1, accuracy: 1, val_loss: 0, val_accuracy: 0.999999 },
  { loss: Number.NaN, accuracy: 3.4e38, val_loss: -1e-30, val_accuracy: Number.POSITIVE_INFINITY },
];

function expectedScalars(validation: boolean): Scalar[] {
  return EPOCHS.flatMap((metrics, epoch) =>
    Object.entries(metrics)
      .filter(([name]) => name.startsWith('val_') === validation)
      .map(([name, value]) => ({
        tag: `epoch_${validation ? name.slice(4) : name}`,
        step: epoch,
        value: Math.fround(value as number),
        wall_time: 1_700_000_000.25 + epoch,
      })),
  );
}

const asNumber = (v: number | string) => (typeof v === 'string' ? Number(v) : v);

test('Google protobuf reads back every scalar the run wrote, in train/ and validation/', { skip }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'modellab-tb-it-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const logDir = tensorboardLogDir(runDir);

  const writer = new RunSummaryWriter(logDir);
  EPOCHS.forEach((metrics, epoch) => writer.writeEpoch(epoch, metrics, 1_700_000_000.25 + epoch));
  await writer.close();

  const report = readWithPython(logDir);
  assert.deepEqual(Object.keys(report.runs).sort(), ['train', 'validation']);
  for (const run of ['train', 'validation']) {
    const files = report.runs[run];
    assert.equal(files.length, 1);
    const [file] = files;
    assert.match(file.file, /^events\.out\.tfevents\./);
    assert.equal(file.file_version, 'brain.Event:2');
    assert.equal(file.trailing_bytes, 0);
    const actual = file.scalars.map((s) => ({ ...s, value: asNumber(s.value) }));
    // deepEqual compares with Object.is, so NaN matches NaN and the float32 rounding must be exact.
    assert.deepEqual(actual, expectedScalars(run === 'validation'));
  }
});

test('a half-written last record (a crash) leaves the earlier epochs readable', { skip }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'modellab-tb-it-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const logDir = tensorboardLogDir(runDir);

  const writer = new RunSummaryWriter(logDir);
  writer.writeEpoch(0, { loss: 0.5 }, 1);
  writer.writeEpoch(1, { loss: 0.25 }, 2);
  writer.writeEpoch(2, { loss: 0.125 }, 3);
  await writer.close();
  const trainPath = join(logDir, 'train', readWithPython(logDir).runs.train[0].file);
  // What a process killed mid-append leaves behind: the last record without its last 7 bytes.
  truncateSync(trainPath, statSync(trainPath).size - 7);

  const [file] = readWithPython(logDir).runs.train;
  assert.ok(file.trailing_bytes > 0);
  assert.deepEqual(
    file.scalars.map((s) => [s.tag, s.step, s.value]),
    [['epoch_loss', 0, 0.5], ['epoch_loss', 1, 0.25]],
  );
});
