/**
 * `model-lab batch-predict` as a user runs it: Vertex AI-style output shards, bad lines reported and never
 * fatal, every good line predicted exactly once — also across kill -9 and Ctrl-C followed by a resume.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CLI, jsonLines, requireBuild, runCli, tempWorkspace } from './cliHarness';

let model = '';

before(async () => {
  const ws = tempWorkspace('ml-batch-');
  const train = await runCli(['train', 'examples/iris/modellab.yaml', '--json', '--workspace', ws, '--set', 'training.epochs=5']);
  assert.equal(train.code, 0, train.stderr);
  model = (jsonLines(train.stdout).pop() as { bundleDir: string }).bundleDir;
});

type BadKind = 'broken-json' | 'missing-field' | 'wrong-type';
const BAD_KINDS: BadKind[] = ['broken-json', 'missing-field', 'wrong-type'];

/** One JSON Lines instance; every `badEvery`-th id is a bad line of the next kind in turn. */
function jsonlLine(id: number, badEvery: number): string {
  const ok = { id, sepal_length: 4 + (id % 40) / 10, sepal_width: 2 + (id % 25) / 10, petal_length: 1 + (id % 60) / 10, petal_width: 0.1 + (id % 24) / 10 };
  if (badEvery > 0 && id % badEvery === badEvery - 1) {
    const kind = BAD_KINDS[Math.floor(id / badEvery) % BAD_KINDS.length];
    if (kind === 'broken-json') return `{"id": ${id}, "sepal_length": 5.1,`;
    if (kind === 'missing-field') return JSON.stringify({ id, sepal_length: 5.1, sepal_width: 3 });
    return JSON.stringify({ ...ok, petal_width: 'wide' });
  }
  return JSON.stringify(ok);
}

/** Writes ids [from, to) as JSON Lines, streaming (the big inputs are not built in memory). */
async function writeJsonl(path: string, from: number, to: number, badEvery: number): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (let id = from; id < to; id++) {
    chunk += `${jsonlLine(id, badEvery)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function isBad(id: number, badEvery: number): boolean {
  return badEvery > 0 && id % badEvery === badEvery - 1;
}

interface Output {
  resultIds: number[];
  errorIds: number[];
  errors: { instance: unknown; error: { code: number; status: string; message: string } }[];
  files: string[];
}

/** Reads every shard; ids come from the echoed instance (or, for unparseable lines, from its text). */
function readOutput(dir: string, keepErrors = true): Output {
  const files = readdirSync(dir).sort();
  const out: Output = { resultIds: [], errorIds: [], errors: [], files };
  for (const name of files) {
    if (!name.startsWith('prediction.results-') && !name.startsWith('prediction.errors_stats-')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${name} ends with a whole line`);
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (name.startsWith('prediction.results-')) {
        // Cheaper than JSON.parse for a million lines; the shape is checked on a sample below.
        out.resultIds.push(Number(/^\{"instance":\{"id": ?(\d+)/.exec(line)![1]));
        continue;
      }
      const record = JSON.parse(line) as Output['errors'][number];
      out.errorIds.push(idOf(record.instance));
      if (keepErrors) out.errors.push(record);
    }
  }
  return out;
}

/** The id of an echoed instance; an unreadable line is echoed as its text (JSON Lines or CSV). */
function idOf(instance: unknown): number {
  if (typeof instance !== 'string') return (instance as { id: number }).id;
  return Number((/"id": ?(\d+)/.exec(instance) ?? /^(\d+),/.exec(instance))![1]);
}

/** Each id in [from, to) is in exactly one place: results when good, errors when bad. */
function assertExactlyOnce(out: Output, ranges: [number, number][], badEvery: number): void {
  const seen = new Map<number, string>();
  const add = (id: number, where: string) => {
    assert.ok(!seen.has(id), `id ${id} appears twice (${seen.get(id)} and ${where})`);
    seen.set(id, where);
  };
  out.resultIds.forEach((id) => add(id, 'results'));
  out.errorIds.forEach((id) => add(id, 'errors'));
  let expected = 0;
  for (const [from, to] of ranges) {
    for (let id = from; id < to; id++) {
      expected++;
      const where = seen.get(id);
      assert.ok(where, `id ${id} is missing from the output`);
      assert.equal(where, isBad(id, badEvery) ? 'errors' : 'results', `id ${id}`);
    }
  }
  assert.equal(seen.size, expected);
}

function assertShardOrder(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => n.startsWith('prediction.'))) {
    if (name.endsWith('.jsonl')) continue;
    const ids = readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((l) => l)
      .map((l) => (name.includes('errors_stats') ? idOf(JSON.parse(l).instance) : Number(/^\{"instance":\{"id": ?(\d+)/.exec(l)![1])));
    ids.forEach((id, i) => i > 0 && assert.ok(id > ids[i - 1], `${name}: id ${id} after ${ids[i - 1]}: input order lost`));
  }
}

test('JSON Lines, CSV and .gz inputs (a glob and a path) → Vertex-named shards with instance/prediction and instance/error lines', async () => {
  const dir = tempWorkspace('ml-batch-in-');
  const out = join(dir, 'out');
  const badEvery = 10;
  await writeJsonl(join(dir, 'part-a.jsonl'), 0, 300, badEvery);
  writeFileSync(join(dir, 'part-b.jsonl.gz'), gzipSync(Array.from({ length: 300 }, (_, i) => jsonlLine(300 + i, badEvery)).join('\n') + '\n'));
  // CSV: a short row, and text in a numeric column.
  const csv = ['id,sepal_length,sepal_width,petal_length,petal_width'];
  for (let id = 600; id < 700; id++) csv.push(id === 609 ? `${id},5.1,3.5` : id === 619 ? `${id},5.1,3.5,1.4,wide` : `${id},5.1,3.5,1.4,0.2`);
  writeFileSync(join(dir, 'extra.csv'), `${csv.join('\n')}\n`);

  const run = await runCli(['batch-predict', model, '--input', 'part-*.jsonl*', '--input', 'extra.csv', '--output', out, '--shards', '3', '--batch-size', '16', '--json'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const result = jsonLines(run.stdout).pop() as { type: string; status: string; predicted: number; failed: number; files: string[] };
  assert.equal(result.type, 'result');
  assert.equal(result.status, 'succeeded');
  assert.deepEqual(
    readdirSync(out).sort(),
    [
      'prediction.errors_stats-00000-of-00003',
      'prediction.errors_stats-00001-of-00003',
      'prediction.errors_stats-00002-of-00003',
      'prediction.progress.jsonl',
      'prediction.results-00000-of-00003',
      'prediction.results-00001-of-00003',
      'prediction.results-00002-of-00003',
    ],
  );
  assert.deepEqual(result.files.map((f) => f.slice(out.length + 1)).sort(), readdirSync(out).filter((n) => !n.endsWith('.jsonl')).sort());

  const output = readOutput(out);
  const isBadCsv = (id: number) => id === 609 || id === 619;
  const good = (id: number) => (id < 600 ? !isBad(id, badEvery) : !isBadCsv(id));
  const all = Array.from({ length: 700 }, (_, id) => id);
  assert.deepEqual([...output.resultIds].sort((a, b) => a - b), all.filter(good));
  assert.deepEqual([...output.errorIds].sort((a, b) => a - b), all.filter((id) => !good(id)));
  assert.equal(result.predicted, all.filter(good).length);
  assert.equal(result.failed, 700 - result.predicted);
  assertShardOrder(out);

  // Line shapes: PredictionResult with the instance echoed as it was sent.
  const first = JSON.parse(readFileSync(join(out, 'prediction.results-00000-of-00003'), 'utf8').split('\n')[0]);
  assert.deepEqual(Object.keys(first), ['instance', 'prediction']);
  assert.deepEqual(first.instance, JSON.parse(jsonlLine(0, badEvery)));
  assert.ok(['setosa', 'versicolor', 'virginica'].includes(first.prediction.label));
  assert.equal(first.prediction.probabilities.length, 3);

  const byId = new Map(output.errors.map((e) => [idOf(e.instance), e]));
  for (const e of output.errors) {
    assert.deepEqual(Object.keys(e), ['instance', 'error']);
    assert.deepEqual(Object.keys(e.error), ['code', 'status', 'message']);
    assert.equal(e.error.code, 3);
    assert.equal(e.error.status, 'INVALID_ARGUMENT');
  }
  // Each reason names the file and line, and says what is wrong.
  assert.match(byId.get(9)!.error.message, /^part-a\.jsonl:10: invalid JSON/);
  assert.equal(byId.get(9)!.instance, jsonlLine(9, badEvery), 'an unparseable line is echoed as its text');
  assert.match(byId.get(19)!.error.message, /^part-a\.jsonl:20: field 'petal_length': missing/);
  assert.match(byId.get(29)!.error.message, /^part-a\.jsonl:30: field 'petal_width': expected a number/);
  assert.match(byId.get(309)!.error.message, /^part-b\.jsonl\.gz:10: /);
  assert.match(byId.get(609)!.error.message, /^extra\.csv:11: expected 5 fields, found 3/);
  assert.match(byId.get(619)!.error.message, /^extra\.csv:21: field 'petal_width': expected a number/);

  // The model in the main thread (the default runs engine workers, one per core) and a given number
  // of workers write the very same files.
  for (const workers of ['0', '3']) {
    const other = join(dir, `out-workers-${workers}`);
    const run = await runCli(['batch-predict', model, '--input', 'part-*.jsonl*', '--input', 'extra.csv', '--output', other, '--shards', '3', '--batch-size', '16', '--workers', workers], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    for (const name of readdirSync(out).filter((n) => !n.endsWith('.jsonl'))) {
      assert.equal(readFileSync(join(other, name), 'utf8'), readFileSync(join(out, name), 'utf8'), `--workers ${workers}: ${name}`);
    }
  }

  // Running it again finds the job complete and writes nothing.
  const before = readdirSync(out).map((n) => readFileSync(join(out, n), 'utf8'));
  const again = await runCli(['batch-predict', model, '--input', 'part-*.jsonl*', '--input', 'extra.csv', '--output', out], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already complete/);
  assert.deepEqual(readdirSync(out).map((n) => readFileSync(join(out, n), 'utf8')), before);

  // Another job's folder is refused rather than mixed into.
  const other = await runCli(['batch-predict', model, '--input', 'extra.csv', '--output', out], { cwd: dir });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /holds another batch job's output \(its input files differ/);
  const shards = await runCli(['batch-predict', model, '--input', 'part-*.jsonl*', '--input', 'extra.csv', '--output', out, '--shards', '2'], { cwd: dir });
  assert.equal(shards.code, 2);
  assert.match(shards.stderr, /started with --shards 3/);
});

/** Checkpoint lines in the output folder's progress journal (0 when it does not exist yet). */
function journalCheckpoints(out: string): number {
  try {
    return readFileSync(join(out, 'prediction.progress.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"checkpoint"')).length;
  } catch {
    return 0;
  }
}

/**
 * Starts the CLI with --json and kills it with `signal` once it has reported `afterRows` rows and has
 * journaled a checkpoint of its own: on a fast machine a run can reach `afterRows` before its first
 * (once a second) checkpoint, and a kill then would test nothing but starting over.
 */
function runUntil(args: string[], cwd: string, afterRows: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  requireBuild();
  const out = resolve(cwd, args[args.indexOf('--output') + 1]);
  // Only a kill needs a checkpoint of the run's own first; Ctrl-C writes one as it stops.
  const checkpointsBefore = signal === 'SIGKILL' ? journalCheckpoints(out) : -1;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let rows = 0;
    let sent = false;
    // Checked on every progress line and on a timer too: the checkpoint may land between two progress lines.
    const check = () => {
      if (!sent && rows >= afterRows && journalCheckpoints(out) > checkpointsBefore) {
        sent = true;
        child.kill(signal);
      }
    };
    const timer = setInterval(check, 20);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const line of chunk.split('\n')) {
        const m = /"type":"progress","predicted":(\d+),"failed":(\d+)/.exec(line);
        if (m) rows = Number(m[1]) + Number(m[2]);
      }
      check();
    });
    child.stderr.resume();
    child.on('error', fail);
    child.on('exit', () => clearInterval(timer));
    child.on('close', (code, sig) => done({ code, signal: sig, stdout }));
  });
}

test('kill -9 mid-job, twice, then resume: every line exactly once, no gaps', async () => {
  const dir = tempWorkspace('ml-batch-kill-');
  const out = join(dir, 'out');
  const badEvery = 997;
  // Each run must outlast its first checkpoint (after 1 s) to be killed mid-job: 1,000,000 lines in small
  // batches take this machine about 5 s in all (300,000 took 1.7 s, and the second run then finished first).
  await writeJsonl(join(dir, 'a.jsonl'), 0, 500_000, badEvery);
  await writeJsonl(join(dir, 'b.jsonl'), 500_000, 1_000_000, badEvery);
  const args = ['batch-predict', model, '--input', 'a.jsonl', '--input', 'b.jsonl', '--output', out, '--shards', '2', '--batch-size', '8'];
  // Job totals: the second kill comes well after the first one's last checkpoint.
  const first = await runUntil(args, dir, 10_000, 'SIGKILL');
  assert.equal(first.signal, 'SIGKILL', 'killed before the end');
  const afterFirst = readOutput(out, false);
  assert.ok(afterFirst.resultIds.length > 0, 'it had written output before it was killed');
  const second = await runUntil(args, dir, 40_000, 'SIGKILL');
  assert.equal(second.signal, 'SIGKILL');
  assert.match(second.stdout, /"resumed":true/);
  const last = await runCli([...args, '--json'], { cwd: dir });
  assert.equal(last.code, 0, last.stderr);
  const result = jsonLines(last.stdout).pop() as { status: string; predicted: number; failed: number; sessionRows: number };
  assert.equal(result.status, 'succeeded');
  assert.ok(result.sessionRows < 1_000_000, 'the resumed run did not start over');
  assert.equal(result.predicted + result.failed, 1_000_000);
  const output = readOutput(out, false);
  assertExactlyOnce(output, [[0, 1_000_000]], badEvery);
  assertShardOrder(out);
});

test('Ctrl-C finishes the batch in flight, records where it stopped, exits 130; a re-run completes the job', async () => {
  const dir = tempWorkspace('ml-batch-int-');
  const out = join(dir, 'out');
  const badEvery = 101;
  await writeJsonl(join(dir, 'in.jsonl'), 0, 200_000, badEvery);
  const args = ['batch-predict', model, '--input', 'in.jsonl', '--output', out];
  const stopped = await runUntil(args, dir, 1, 'SIGINT');
  assert.equal(stopped.code, 130);
  const result = jsonLines(stopped.stdout).pop() as { status: string; predicted: number; failed: number; stoppedAfter: string };
  assert.equal(result.status, 'cancelled');
  assert.match(result.stoppedAfter, /^in\.jsonl:\d+$/);
  const line = Number(result.stoppedAfter.split(':')[1]);
  assert.equal(result.predicted + result.failed, line, 'everything up to the recorded line is written');
  // The journal ends with a checkpoint at that line and the stop record.
  const journal = jsonLines(readFileSync(join(out, 'prediction.progress.jsonl'), 'utf8'));
  assert.deepEqual(journal[journal.length - 1].stopped && (journal[journal.length - 1].stopped as { position: string }).position, `in.jsonl:${line}`);
  assertExactlyOnce(readOutput(out, false), [[0, line]], badEvery);

  const resumed = await runCli([...args, '--json'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  const done = jsonLines(resumed.stdout).pop() as { status: string; sessionRows: number };
  assert.equal(done.status, 'succeeded');
  assert.equal(done.sessionRows, 200_000 - line);
  assertExactlyOnce(readOutput(out, false), [[0, 200_000]], badEvery);
});

test('1,000,000 lines with bad ones: every good line predicted exactly once, every bad line in the errors', async () => {
  const dir = tempWorkspace('ml-batch-1m-');
  const out = join(dir, 'out');
  const badEvery = 9973;
  await writeJsonl(join(dir, 'big.jsonl'), 0, 1_000_000, badEvery);
  const run = await runCli(['batch-predict', model, '--input', 'big.jsonl', '--output', out, '--batch-size', '512', '--shards', '4', '--json'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const result = jsonLines(run.stdout).pop() as { status: string; predicted: number; failed: number };
  assert.equal(result.status, 'succeeded');
  const bad = Array.from({ length: 1_000_000 }, (_, id) => id).filter((id) => isBad(id, badEvery)).length;
  assert.equal(result.failed, bad);
  assert.equal(result.predicted, 1_000_000 - bad);
  const output = readOutput(out);
  assertExactlyOnce(output, [[0, 1_000_000]], badEvery);
  assert.ok(existsSync(join(out, 'prediction.results-00003-of-00004')));
  assert.ok(output.errors.every((e) => e.error.code === 3 && /^big\.jsonl:\d+: /.test(e.error.message)));
});
