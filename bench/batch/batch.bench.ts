/**
 * bench/batch: `model-lab batch-predict` as users run it (the built CLI, its default flags, a child
 * process each time) against the raw engine on the same model, in the same run. Rows/s of the job (its
 * own `rowsPerSecond`: read → batch → engine → write, with checkpoints; model loading excluded) divided
 * by rows/s of `engine.predict` alone on the same instances already parsed in memory, at the same batch
 * size, measured just before and just after each job (the machine may be shared: each ratio compares
 * neighbours in time; the median of `--reps` is reported). Then peak RSS of whole jobs with the default
 * flags, for a 10 MB input and a large one (default 1 GB; BENCH_BATCH_LARGE_MB sets it): getrusage's
 * maxRSS of the CLI process, engine worker threads included, by the same method for both sizes.
 *
 *   npm run build && node --import tsx bench/batch/batch.bench.ts [--large-mb 1024] [--batch-sizes 64,512]
 *     [--setups default,--workers=0] [--throughput-mb 50] [--reps 3]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelFolder } from '../../src/runtime/serving/loadModelFolder';
import { tfjsBundleLoader } from '../../src/runtime/serving/engines/tfjsBundleEngine';
import type { ModelEngine } from '../../src/runtime/serving/modelEngine';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/model-lab.js');
const PEAK_RSS = join(__dirname, 'peakRss.cjs');
const { values } = parseArgs({
  options: {
    'large-mb': { type: 'string', default: process.env.BENCH_BATCH_LARGE_MB ?? '1024' },
    'batch-sizes': { type: 'string', default: '64,512' },
    // Comma-separated CLI flag sets; `default` is no flag at all, '=' stands for a space.
    setups: { type: 'string', default: 'default,--workers=0' },
    'throughput-mb': { type: 'string', default: '50' },
    reps: { type: 'string', default: '3' },
  },
});

async function loadEngine(model: string): Promise<ModelEngine> {
  // The engine the CLI would pick; the TensorFlow.js one when that loader chain cannot load the bundle.
  return loadModelFolder(model).catch(() => tfjsBundleLoader.load(model));
}

/** Iris-like instances with an id, like the integration tests; every 9973rd line is broken JSON. */
async function writeInput(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path);
  const target = megabytes * 1024 * 1024;
  let bytes = 0;
  let id = 0;
  let chunk = '';
  while (bytes < target) {
    const line =
      id % 9973 === 9972
        ? `{"id": ${id}, "sepal_length": 5.1,\n`
        : `{"id": ${id}, "sepal_length": ${(4 + (id % 40) / 10).toFixed(1)}, "sepal_width": ${(2 + (id % 25) / 10).toFixed(1)}, "petal_length": ${(1 + (id % 60) / 10).toFixed(1)}, "petal_width": ${(0.1 + (id % 24) / 10).toFixed(1)}}\n`;
    chunk += line;
    bytes += line.length;
    id++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return id;
}

/** engine.predict alone, over instances already parsed, for at least `seconds`. */
async function rawRowsPerSecond(engine: ModelEngine, instances: unknown[], batchSize: number, seconds = 2): Promise<number> {
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < instances.length; i += batchSize) {
      const batch = instances.slice(i, i + batchSize);
      await engine.predict(batch);
      rows += batch.length;
    }
  }
  return rows / ((performance.now() - t0) / 1000);
}

interface CliRun {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  maxRssMB: number;
}

/** One whole `model-lab batch-predict` in a child process, as a user starts it, plus its peak RSS. */
function cliRun(model: string, input: string, flags: string[]): CliRun {
  const out = mkdtempSync(join(tmpdir(), 'ml-bench-batch-out-'));
  try {
    const r = spawnSync(process.execPath, ['--require', PEAK_RSS, CLI, 'batch-predict', model, '--input', input, '--output', out, '--json', ...flags], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { type?: string; sessionRows: number; elapsedSeconds: number; rowsPerSecond: number };
    const rss = /bench-peak-rss-kb (\d+)/.exec(r.stderr);
    if (r.status !== 0 || result.type !== 'result' || !rss) throw new Error(`batch-predict ${flags.join(' ')} failed (${r.status}): ${r.stderr}`);
    return { rows: result.sessionRows, seconds: result.elapsedSeconds, rowsPerSecond: result.rowsPerSecond, maxRssMB: Number(rss[1]) / 1024 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function trainModel(): string {
  const ws = mkdtempSync(join(tmpdir(), 'ml-bench-batch-ws-'));
  const train = spawnSync(process.execPath, [CLI, 'train', 'examples/iris/modellab.yaml', '--json', '--workspace', ws, '--set', 'training.epochs=5'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (train.status !== 0) throw new Error(`training the bench model failed (run npm run build first?): ${train.stderr}`);
  const last = JSON.parse(train.stdout.trim().split('\n').pop()!) as { bundleDir: string };
  return last.bundleDir;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-batch-'));
  try {
    console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model}), availableParallelism ${availableParallelism()}, Node ${process.version}, load average ${load()}`);
    const model = trainModel();
    const small = join(dir, 'input-10mb.jsonl');
    const smallRows = await writeInput(small, 10);
    const mid = join(dir, 'input-throughput.jsonl');
    const midRows = await writeInput(mid, Number(values['throughput-mb']));
    const engine = await loadEngine(model);
    console.log(`model: iris MLP bundle, engine ${engine.framework}/${engine.runtime}; inputs: 10 MB = ${fmt(smallRows)} lines, ${values['throughput-mb']} MB = ${fmt(midRows)} lines (throughput)`);
    const instances = readFileSync(small, 'utf8')
      .split('\n')
      .filter((l) => l)
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return [];
        }
      });
    const reps = Number(values.reps);
    const setups = values.setups!.split(',').map((s) => (s === 'default' ? [] : s.split('=')));
    for (const batchSize of values['batch-sizes']!.split(',').map(Number)) {
      await rawRowsPerSecond(engine, instances, batchSize, 1); // warm-up
      for (const flags of setups) {
        const ratios: number[] = [];
        const lines: string[] = [];
        for (let rep = 0; rep < reps; rep++) {
          const before = await rawRowsPerSecond(engine, instances, batchSize);
          const job = cliRun(model, mid, [...flags, '--batch-size', String(batchSize)]);
          const after = await rawRowsPerSecond(engine, instances, batchSize);
          const raw = (before + after) / 2;
          ratios.push(job.rowsPerSecond / raw);
          lines.push(`raw ${fmt(before)}/${fmt(after)}, job ${fmt(job.rowsPerSecond)} → ${(job.rowsPerSecond / raw).toFixed(2)}`);
        }
        const name = flags.length > 0 ? flags.join(' ') : 'default flags';
        console.log(`batch ${batchSize}, ${name}: median ratio ${median(ratios).toFixed(2)} (target ≥ 0.80); load average ${load()}\n    ${lines.join('\n    ')}`);
      }
    }
    await engine.close();

    const smallRss = cliRun(model, small, []);
    console.log(`peak RSS, default flags, 10 MB input (${fmt(smallRss.rows)} rows, ${smallRss.seconds.toFixed(1)}s, ${fmt(smallRss.rowsPerSecond)} rows/s): ${smallRss.maxRssMB.toFixed(0)} MB`);
    const largeMB = Number(values['large-mb']);
    const large = join(dir, `input-${largeMB}mb.jsonl`);
    const t0 = performance.now();
    const largeRows = await writeInput(large, largeMB);
    console.log(`(large input: ${(statSync(large).size / 1024 / 1024).toFixed(0)} MB, ${fmt(largeRows)} lines, generated in ${((performance.now() - t0) / 1000).toFixed(0)}s)`);
    const largeRss = cliRun(model, large, []);
    rmSync(large, { force: true });
    console.log(`peak RSS, default flags, ${largeMB} MB input (${fmt(largeRss.rows)} rows, ${largeRss.seconds.toFixed(1)}s, ${fmt(largeRss.rowsPerSecond)} rows/s): ${largeRss.maxRssMB.toFixed(0)} MB`);
    const growth = largeRss.maxRssMB / smallRss.maxRssMB - 1;
    console.log(`RSS large vs 10 MB: ${(growth * 100).toFixed(1)}% (target within 20%), large < 400 MB: ${largeRss.maxRssMB < 400 ? 'yes' : 'NO'}; load average ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
