/**
 * bench/batch: `model-lab batch-predict`'s pipeline against the raw engine on the same model, in the same
 * run. Rows/s of runBatchPrediction (read → batch → engine → write, with checkpoints) over a JSON Lines
 * file, divided by rows/s of `engine.predict` alone on the same instances already parsed in memory, at
 * the same batch size. Then peak RSS of a whole job, each in its own process, for a 10 MB input and a
 * large one (default 1 GB; BENCH_BATCH_LARGE_MB sets it): streaming should make them about equal.
 *
 *   npm run build && node --import tsx bench/batch/batch.bench.ts [--large-mb 1024] [--batch-sizes 64,512] [--workers 2]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEnginePool } from '../../src/runtime/batch/enginePool';
import type { BatchPredictor } from '../../src/runtime/batch/predictBatch';
import { runBatchPrediction } from '../../src/runtime/batch/runBatchPrediction';
import { loadModelFolder } from '../../src/runtime/serving/loadModelFolder';
import { tfjsBundleLoader } from '../../src/runtime/serving/engines/tfjsBundleEngine';
import type { ModelEngine } from '../../src/runtime/serving/modelEngine';

const ROOT = resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    'large-mb': { type: 'string', default: process.env.BENCH_BATCH_LARGE_MB ?? '1024' },
    'batch-sizes': { type: 'string', default: '64,512' },
    'rss-batch-size': { type: 'string', default: '512' },
    workers: { type: 'string', default: '2' },
    child: { type: 'string' },
    model: { type: 'string' },
    'batch-size': { type: 'string' },
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
async function rawRowsPerSecond(engine: ModelEngine, instances: unknown[], batchSize: number, seconds = 3): Promise<number> {
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

async function pipeline(
  engine: ModelEngine | BatchPredictor,
  model: string,
  input: string,
  batchSize: number,
  concurrency?: number,
): Promise<{ rows: number; seconds: number; rowsPerSecond: number }> {
  const out = mkdtempSync(join(tmpdir(), 'ml-bench-batch-out-'));
  const how = 'predict' in engine && 'signature' in engine ? { engine } : { predictor: engine as BatchPredictor };
  try {
    const r = await runBatchPrediction({ ...how, modelDir: model, inputs: [input], baseDir: process.cwd(), outputDir: out, batchSize, concurrency });
    return { rows: r.sessionRows, seconds: r.elapsedSeconds, rowsPerSecond: r.rowsPerSecond };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Child mode: one whole job in this process, then its peak RSS. */
async function child(input: string, model: string, batchSize: number): Promise<void> {
  const engine = await loadEngine(model);
  const r = await pipeline(engine, model, input, batchSize);
  await engine.close();
  process.stdout.write(`${JSON.stringify({ ...r, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function trainModel(): string {
  const ws = mkdtempSync(join(tmpdir(), 'ml-bench-batch-ws-'));
  const train = spawnSync(process.execPath, [join(ROOT, 'bin/model-lab.js'), 'train', 'examples/iris/modellab.yaml', '--json', '--workspace', ws, '--set', 'training.epochs=5'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (train.status !== 0) throw new Error(`training the bench model failed (run npm run build first?): ${train.stderr}`);
  const last = JSON.parse(train.stdout.trim().split('\n').pop()!) as { bundleDir: string };
  return last.bundleDir;
}

function rssRun(input: string, model: string, batchSize: number): { rows: number; seconds: number; rowsPerSecond: number; maxRssMB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', input, '--model', model, '--batch-size', String(batchSize)], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  if (values.child) return child(values.child, values.model!, Number(values['batch-size']));
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-batch-'));
  try {
    const model = trainModel();
    const small = join(dir, 'input-10mb.jsonl');
    const smallRows = await writeInput(small, 10);
    const engine = await loadEngine(model);
    console.log(`model: iris MLP bundle, engine ${engine.framework}/${engine.runtime}; input 10 MB = ${fmt(smallRows)} lines`);
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
    for (const batchSize of values['batch-sizes']!.split(',').map(Number)) {
      await pipeline(engine, model, small, batchSize); // warm-up: JIT, wasm, file cache
      const raw = await rawRowsPerSecond(engine, instances, batchSize);
      const job = await pipeline(engine, model, small, batchSize);
      const raw2 = await rawRowsPerSecond(engine, instances, batchSize);
      const rawMean = (raw + raw2) / 2;
      console.log(
        `batch ${batchSize}: raw engine ${fmt(rawMean)} rows/s (${fmt(raw)} before, ${fmt(raw2)} after); batch-predict ${fmt(job.rowsPerSecond)} rows/s ` +
          `→ ratio ${(job.rowsPerSecond / rawMean).toFixed(2)} (target ≥ 0.80)`,
      );
    }
    // Engine replicas in worker threads (the built CLI is their script, as `--workers` starts them).
    const workers = Number(values.workers);
    if (workers > 0) {
      const pool = await startEnginePool(model, workers, join(ROOT, 'bin/model-lab.js'), ['__batch-engine-worker']);
      for (const batchSize of values['batch-sizes']!.split(',').map(Number)) {
        await pipeline(pool, model, small, batchSize, 2 * workers);
        const raw = await rawRowsPerSecond(engine, instances, batchSize);
        const job = await pipeline(pool, model, small, batchSize, 2 * workers);
        console.log(`batch ${batchSize}, ${workers} engine workers: batch-predict ${fmt(job.rowsPerSecond)} rows/s vs raw engine (one, in-process) ${fmt(raw)} → ratio ${(job.rowsPerSecond / raw).toFixed(2)}`);
      }
      await pool.close();
    }
    await engine.close();

    const rssBatch = Number(values['rss-batch-size']);
    const smallRss = rssRun(small, model, rssBatch);
    console.log(`peak RSS, 10 MB input (${fmt(smallRss.rows)} rows, ${smallRss.seconds.toFixed(1)}s, ${fmt(smallRss.rowsPerSecond)} rows/s): ${smallRss.maxRssMB.toFixed(0)} MB`);
    const largeMB = Number(values['large-mb']);
    const large = join(dir, `input-${largeMB}mb.jsonl`);
    const t0 = performance.now();
    const largeRows = await writeInput(large, largeMB);
    console.log(`(large input: ${(statSync(large).size / 1024 / 1024).toFixed(0)} MB, ${fmt(largeRows)} lines, generated in ${((performance.now() - t0) / 1000).toFixed(0)}s)`);
    const largeRss = rssRun(large, model, rssBatch);
    rmSync(large, { force: true });
    console.log(`peak RSS, ${largeMB} MB input (${fmt(largeRss.rows)} rows, ${largeRss.seconds.toFixed(1)}s, ${fmt(largeRss.rowsPerSecond)} rows/s): ${largeRss.maxRssMB.toFixed(0)} MB`);
    const growth = largeRss.maxRssMB / smallRss.maxRssMB - 1;
    console.log(`RSS large vs 10 MB: ${(growth * 100).toFixed(1)}% (target within 20%), large < 400 MB: ${largeRss.maxRssMB < 400 ? 'yes' : 'NO'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
