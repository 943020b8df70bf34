// `model-lab serve` and `batch-predict` children as the extension starts them (cliProcess, serveProcess,
// batchPredictJob), on the built CLI and a real XGBoost model: the URL is learned from the output, the
// token is demanded off loopback, stopping ends the process, and a closed stdin (the extension host gone)
// ends it too.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBatchPredict } from '../../../../src/extension/serving/batchPredictJob';
import { postPredict } from '../../../../src/extension/serving/endpointHttp';
import { clientUrl, isLoopbackHost, parseServingUrl, startServeProcess } from '../../../../src/extension/serving/serveProcess';

const ROOT = resolve(__dirname, '../../../..');
const CLI = join(ROOT, 'dist/cli.js');
const launch = { execPath: process.execPath, env: { ...process.env }, cli: CLI };
const tmp = mkdtempSync(join(tmpdir(), 'modellab-serveproc-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const INSTANCES = [
  [17.91, 21.02, 124.4, 994.0, 0.1, 0.2576, 0.3189, 0.1198],
  [12.96, 18.29, 84.18, 525.2, 0.0735, null, 0.0406, 0.0188],
];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let modelDir: string;
before(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  modelDir = mkdtempSync(join(tmp, 'xgb-'));
  copyFileSync(join(ROOT, 'test/fixtures/xgboost/binary_logistic.json'), join(modelDir, 'model.json'));
});

describe('serve output and hosts', () => {
  it('finds the URL in the line serve prints', () => {
    assert.equal(parseServingUrl('serving m (folder) on http://127.0.0.1:41234 (bearer token required)'), 'http://127.0.0.1:41234');
    assert.equal(parseServingUrl('  health: http://127.0.0.1:1/healthz'), undefined);
    assert.equal(clientUrl('http://0.0.0.0:8080'), 'http://127.0.0.1:8080');
    assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('localhost') && isLoopbackHost('::1'));
    assert.ok(!isLoopbackHost('0.0.0.0') && !isLoopbackHost('192.168.1.5'));
  });
});

describe('a serve child', () => {
  it('serves on a free port, predicts, and stops for good', async () => {
    const lines: string[] = [];
    const served = await startServeProcess(launch, { modelDir, host: '127.0.0.1', port: 0, name: 'cancer', onOutput: (l) => lines.push(l) });
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await postPredict(served.url, 'cancer', INSTANCES);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal((answer.body as { predictions: number[] }).predictions.length, 2);
    assert.ok(lines.some((l) => l.includes('Cloud ML:')), lines.join('\n'));
    await served.process.stop();
    assert.equal(alive(served.pid), false);
    await assert.rejects(fetch(`${served.url}/healthz`));
  });

  it('off loopback, requires the token it was given through the environment', async () => {
    const served = await startServeProcess(launch, { modelDir, host: '0.0.0.0', port: 0, name: 'cancer', token: 's3cret-token' });
    try {
      assert.equal((await postPredict(served.url, 'cancer', INSTANCES)).status, 401);
      assert.equal((await postPredict(served.url, 'cancer', INSTANCES, 'wrong')).status, 401);
      assert.equal((await postPredict(served.url, 'cancer', INSTANCES, 's3cret-token')).status, 200);
    } finally {
      await served.process.stop();
    }
  });

  it('fails with the server\'s own words when the folder holds no model', async () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    await assert.rejects(startServeProcess(launch, { modelDir: empty, host: '127.0.0.1', port: 0, name: 'x' }), /exited \(2\) before serving:[\s\S]*holds no model/);
  });

  it('ends when its stdin closes (the extension host died without stopping it)', async () => {
    const served = await startServeProcess(launch, { modelDir, host: '127.0.0.1', port: 0, name: 'cancer' });
    served.process.child.stdin?.end();
    const code = await Promise.race([served.process.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    assert.equal(code, 0, 'SIGTERM makes serve shut down gracefully and exit 0');
    assert.equal(alive(served.pid), false);
  });
});

describe('a batch-predict child', () => {
  it('reports progress and a summary, with the shards on disk', async () => {
    const input = join(tmp, 'in.jsonl');
    writeFileSync(input, `${Array.from({ length: 50 }, (_, i) => JSON.stringify(INSTANCES[i % 2])).join('\n')}\nnot json\n`);
    const out = join(tmp, 'out');
    const job = startBatchPredict(launch, { modelDir, inputs: [input], outputDir: out });
    const summary = await job.done;
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.predicted, 50);
    assert.equal(summary.failed, 1);
    const results = readdirSync(out).filter((f) => f.startsWith('prediction.results-'));
    assert.equal(results.length, 1);
    assert.equal(readFileSync(join(out, results[0]), 'utf8').trim().split('\n').length, 50);
  });

  it('cancels: the CLI checkpoints what is in flight and reports a resumable, cancelled job', async () => {
    const input = join(tmp, 'big.jsonl');
    const line = `${JSON.stringify(INSTANCES[0])}\n`;
    writeFileSync(input, line.repeat(400_000));
    let cancelled = false;
    const job = startBatchPredict(launch, { modelDir, inputs: [input], outputDir: join(tmp, 'out-cancel') }, {
      onProgress: () => {
        if (!cancelled) {
          cancelled = true;
          setTimeout(() => job.cancel(), 200);
        }
      },
    });
    const summary = await job.done;
    assert.equal(summary.status, 'cancelled');
    assert.ok(summary.predicted < 400_000, `predicted ${summary.predicted}`);
    assert.ok(summary.stoppedAfter, 'says where to resume');
  });

  it('rejects with the CLI\'s message when the job cannot run', async () => {
    const job = startBatchPredict(launch, { modelDir, inputs: [join(tmp, 'missing-*.jsonl')], outputDir: join(tmp, 'out2') });
    await assert.rejects(job.done, /model-lab batch-predict exited \(\d+\): .+/);
  });
});
