import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_METRIC_TAG, MetricFileReader, parseMetricLine, parseMetricText } from '../../../src/runtime/python/hypertuneMetricFile';

/** A record exactly as cloudml-hypertune writes it: json.dumps(sort_keys=True), values as str(float). */
function record(tag: string, value: string, step: string, timestamp: number, trial = '1'): string {
  return `{"global_step": "${step}", ${JSON.stringify(tag)}: "${value}", "timestamp": ${timestamp}, "trial": "${trial}"}`;
}

describe('parseMetricLine', () => {
  it("reads cloudml-hypertune's record: string value, string global_step, timestamp in seconds", () => {
    assert.deepEqual(parseMetricLine('{"global_step": "1000", "my_metric_tag": "0.987", "timestamp": 1525851440.123456, "trial": "0"}'), [
      { tag: 'my_metric_tag', value: 0.987, step: 1000, time: 1525851440123.456 },
    ]);
  });

  it('keeps the default tag as a tag like any other', () => {
    assert.deepEqual(parseMetricLine(record(DEFAULT_METRIC_TAG, '0.5', '0', 10)), [{ tag: 'training/hptuning/metric', value: 0.5, step: 0, time: 10000 }]);
  });

  it('accepts numbers for values, several tags in one record, and records without step or time', () => {
    assert.deepEqual(parseMetricLine('{"accuracy": 0.9, "loss": "0.25", "checkpoint_path": "/x"}'), [
      { tag: 'accuracy', value: 0.9 },
      { tag: 'loss', value: 0.25 },
    ]);
  });

  it("leaves out values that are not finite numbers (Python's str(float) gives nan and inf)", () => {
    assert.deepEqual(parseMetricLine('{"a": "nan", "b": "inf", "c": "-inf", "d": "high", "e": "", "f": null, "g": "1e-3"}'), [{ tag: 'g', value: 0.001 }]);
  });

  it('is undefined for what is not a JSON object', () => {
    for (const line of ['{"accuracy": "0.', '[1, 2]', '"text"', '42', 'null', 'not json']) assert.equal(parseMetricLine(line), undefined, line);
  });
});

describe('parseMetricText', () => {
  const a = record('auc', '0.9', '10', 1);
  const b = record('auc', '0.95', '20', 2);

  it('takes complete lines and leaves a torn last line for the next read', () => {
    const torn = `${a}\n${b}\n{"global_step": "30", "auc": "0.9`;
    const parsed = parseMetricText(torn);
    assert.deepEqual(parsed.measurements.map((m) => m.step), [10, 20]);
    assert.equal(parsed.nextOffset, a.length + b.length + 2);
    assert.equal(parsed.skippedLines, 0);

    const resumed = parseMetricText(`${torn}5"}\n`, { offset: parsed.nextOffset });
    assert.deepEqual(resumed.measurements, [{ tag: 'auc', value: 0.95, step: 30 }]);
  });

  it('takes a last line without a newline once the writer has exited (final), if it parses', () => {
    assert.equal(parseMetricText(a).measurements.length, 0);
    assert.equal(parseMetricText(a, { final: true }).measurements.length, 1);
    assert.equal(parseMetricText(`${a}\n{"auc": "0.`, { final: true }).measurements.length, 1);
  });

  it('skips blank lines, CRLF endings and counts lines that are not records', () => {
    const parsed = parseMetricText(`\n${a}\r\n\ngarbage\n${b}\n`);
    assert.deepEqual(parsed.measurements.map((m) => m.value), [0.9, 0.95]);
    assert.equal(parsed.skippedLines, 1);
  });
});

describe('MetricFileReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-metrics-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const fresh = (): { path: string; reader: MetricFileReader } => {
    const path = join(dir, `m${n++}.metrics`);
    return { path, reader: new MetricFileReader(path) };
  };
  const lines = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => record('loss', String(1 / (from + i)), String(from + i), 1000 + from + i));
  const steps = (ms: { step?: number }[]): (number | undefined)[] => ms.map((m) => m.step);

  it('has nothing to say about a file that does not exist yet', async () => {
    assert.deepEqual(await fresh().reader.read(), []);
  });

  it('reads only what was appended since the last read', async () => {
    const { path, reader } = fresh();
    writeFileSync(path, `${lines(1, 2).join('\n')}\n`);
    assert.deepEqual(steps(await reader.read()), [1, 2]);
    assert.deepEqual(await reader.read(), []);
    appendFileSync(path, `${lines(3, 3)[0]}\n`);
    assert.deepEqual(steps(await reader.read()), [3]);
  });

  it('waits for a torn last line to be completed', async () => {
    const { path, reader } = fresh();
    const [one, two] = lines(1, 2);
    writeFileSync(path, `${one}\n${two.slice(0, 20)}`);
    assert.deepEqual(steps(await reader.read()), [1]);
    writeFileSync(path, `${one}\n${two}\n`);
    assert.deepEqual(steps(await reader.read()), [2]);
  });

  it('follows a file rewritten the way cloudml-hypertune does, once its 100-record window slides', async () => {
    const { path, reader } = fresh();
    writeFileSync(path, `${lines(1, 100).join('\n')}\n`);
    assert.equal((await reader.read()).length, 100);
    writeFileSync(path, `${lines(2, 101).join('\n')}\n`);
    assert.deepEqual(steps(await reader.read()), [101]);
    writeFileSync(path, `${lines(5, 104).join('\n')}\n`);
    assert.deepEqual(steps(await reader.read()), [102, 103, 104]);
  });

  it('reports nothing twice when it catches a rewrite half done (truncated, then partly written)', async () => {
    const { path, reader } = fresh();
    writeFileSync(path, `${lines(1, 3).join('\n')}\n`);
    assert.equal((await reader.read()).length, 3);
    writeFileSync(path, '');
    assert.deepEqual(await reader.read(), []);
    writeFileSync(path, `${lines(1, 2).join('\n')}\n${lines(3, 3)[0].slice(0, 10)}`);
    assert.deepEqual(await reader.read(), []);
    writeFileSync(path, `${lines(1, 4).join('\n')}\n`);
    assert.deepEqual(steps(await reader.read()), [4]);
  });

  it('takes an unterminated last line on the final read only', async () => {
    const { path, reader } = fresh();
    writeFileSync(path, lines(1, 1)[0]);
    assert.deepEqual(await reader.read(), []);
    assert.deepEqual(steps(await reader.read({ final: true })), [1]);
    assert.deepEqual(await reader.read({ final: true }), []);
  });

  it('counts complete lines that are not records and goes on', async () => {
    const { path, reader } = fresh();
    writeFileSync(path, `oops\n${lines(1, 1)[0]}\n`);
    assert.deepEqual(steps(await reader.read()), [1]);
    assert.equal(reader.skippedLines, 1);
  });
});
