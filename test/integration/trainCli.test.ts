/**
 * The engine through its command line, as a user runs it: train the bundled examples, then predict
 * raw records with the saved bundle and get the same answers the evaluation saw (no skew).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, ROOT, runCli, tempWorkspace } from './cliHarness';

interface ResultLine {
  type: 'result';
  status: string;
  runId: string;
  runDir: string;
  bundleDir?: string;
  metrics: Record<string, number>;
  epochsRun: number;
  bestEpoch: number;
  backend?: { name: string };
}

function resultOf(stdout: string): ResultLine {
  const lines = jsonLines(stdout);
  const last = lines[lines.length - 1] as unknown as ResultLine;
  assert.equal(last.type, 'result', 'the last --json line is the result');
  return last;
}

test('iris (JSON Lines, separate eval file) trains to ≥ 0.9 and its bundle predicts the eval records exactly as evaluation scored them', async () => {
  const ws = tempWorkspace();
  const train = await runCli(['train', 'examples/iris-jsonl/modellab.yaml', '--json', '--workspace', ws]);
  assert.equal(train.code, 0, train.stderr);
  const result = resultOf(train.stdout);
  assert.equal(result.status, 'succeeded');
  assert.ok(result.metrics.val_accuracy >= 0.9, `val_accuracy ${result.metrics.val_accuracy}`);
  // wasm here and in CI; webgpu where there is a hardware GPU.
  assert.ok(['wasm', 'webgpu'].includes(result.backend?.name ?? ''), `backend ${result.backend?.name}`);

  // The run folder as the architecture page describes it.
  const run = JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, 'succeeded');
  assert.equal(run.backend.name, result.backend?.name);
  const epochs = readFileSync(join(result.runDir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"epoch"'));
  assert.equal(epochs.length, result.epochsRun);
  assert.ok(existsSync(join(result.bundleDir!, 'model.json')));
  const manifest = JSON.parse(readFileSync(join(result.bundleDir!, 'modellab.json'), 'utf8'));
  assert.deepEqual(manifest.labels, ['setosa', 'versicolor', 'virginica']);
  assert.equal(manifest.lineage.epoch, result.bestEpoch);
  assert.ok(readdirSync(join(result.runDir, 'tb', 'train')).some((f) => f.includes('tfevents')));
  assert.ok(readdirSync(join(result.runDir, 'tb', 'validation')).some((f) => f.includes('tfevents')));

  // Skew check: raw eval records through the CLI's prediction path give the accuracy and the loss
  // that training's evaluation computed on the same records.
  const evalFile = join(ROOT, 'examples/iris-jsonl/iris-eval.jsonl');
  const predict = await runCli(['predict', result.bundleDir!, '--instances', evalFile]);
  assert.equal(predict.code, 0, predict.stderr);
  const predictions = jsonLines(predict.stdout) as { label: string; classes: string[]; probabilities: number[] }[];
  const truth = jsonLines(readFileSync(evalFile, 'utf8')).map((r) => String(r.species));
  assert.equal(predictions.length, truth.length);
  const accuracy = predictions.filter((p, i) => p.label === truth[i]).length / truth.length;
  assert.equal(accuracy, result.metrics.val_accuracy);
  const loss = -predictions.reduce((sum, p, i) => sum + Math.log(Math.max(p.probabilities[p.classes.indexOf(truth[i])], 1e-7)), 0) / truth.length;
  assert.ok(Math.abs(loss - result.metrics.val_loss) < 1e-4, `loss from predictions ${loss} vs val_loss ${result.metrics.val_loss}`);
});

test('digits (8×8 images, conv net) trains to ≥ 0.9 eval accuracy', async () => {
  const ws = tempWorkspace();
  const train = await runCli(['train', 'examples/digits/modellab.yaml', '--json', '--workspace', ws]);
  assert.equal(train.code, 0, train.stderr);
  const result = resultOf(train.stdout);
  assert.equal(result.status, 'succeeded');
  assert.ok(result.metrics.val_accuracy >= 0.9, `val_accuracy ${result.metrics.val_accuracy}`);
});

test('a trainer module (TypeScript, user-written) builds the model and trains iris to ≥ 0.9', async () => {
  const train = await runCli(['train', 'examples/iris-trainer/modellab.yaml', '--json', '--workspace', tempWorkspace()]);
  assert.equal(train.code, 0, train.stderr);
  const result = resultOf(train.stdout);
  assert.ok(result.metrics.val_accuracy >= 0.9, `val_accuracy ${result.metrics.val_accuracy}`);
});

test('regression: a numeric label trains a linear head, reports mae, and predicts values', async () => {
  const ws = tempWorkspace();
  let s = 3;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const rows = ['x1,x2,color,y'];
  for (let i = 0; i < 400; i++) {
    const x1 = rand() * 10;
    const x2 = rand() * 5;
    const color = ['red', 'green', 'blue'][i % 3];
    rows.push(`${x1},${x2},${color},${(2 * x1 - 3 * x2 + (color === 'red' ? 4 : 0) + (rand() - 0.5) * 0.2).toFixed(4)}`);
  }
  writeFileSync(join(ws, 'data.csv'), rows.join('\n'));
  writeFileSync(
    join(ws, 'modellab.yaml'),
    'name: linear\ndata: { source: data.csv, label: y, split: { eval: 0.25, seed: 1 } }\n' +
      'model: { layers: [ { type: dense, units: 16, activation: relu } ] }\n' +
      'training: { epochs: 150, batchSize: 32, optimizer: { type: adam, learningRate: 0.02 }, seed: 1 }\n',
  );
  const train = await runCli(['train', join(ws, 'modellab.yaml'), '--json']);
  assert.equal(train.code, 0, train.stderr);
  const result = resultOf(train.stdout);
  assert.deepEqual(Object.keys(result.metrics).sort(), ['loss', 'mae', 'val_loss', 'val_mae']);
  assert.ok(result.metrics.val_mae < 0.5, `val_mae ${result.metrics.val_mae} (y spans about -15..24)`);
  writeFileSync(join(ws, 'one.jsonl'), '{"x1": 5, "x2": 1, "color": "red"}\n');
  const predict = await runCli(['predict', result.bundleDir!, '--instances', join(ws, 'one.jsonl')]);
  const [p] = jsonLines(predict.stdout) as { value: number }[];
  assert.ok(Math.abs(p.value - 11) < 1, `predicted ${p.value} for 2·5 − 3·1 + 4 = 11`);
});

test('plain output: one line per epoch and a closing summary when stdout is not a terminal', async () => {
  const ws = tempWorkspace();
  const train = await runCli(['train', 'examples/iris/modellab.yaml', '--set', 'training.epochs=3', '--set', 'training.earlyStopping=false', '--workspace', ws]);
  assert.equal(train.code, 0, train.stderr);
  assert.equal(train.stdout.match(/^epoch \d+\/3 loss=/gm)?.length, 3, train.stdout);
  assert.match(train.stdout, /^backend: (wasm|webgpu)/m);
  assert.match(train.stdout, /^succeeded: run \S+, 3 epochs/m);
  assert.match(train.stdout, /^model bundle: .*\/model$/m);
});

test('Ctrl-C cancels cleanly: exit 130, run folder says cancelled, the epochs done are kept', async () => {
  const ws = tempWorkspace();
  let sent = false;
  const train = await runCli(['train', 'examples/digits/modellab.yaml', '--json', '--set', 'training.epochs=200', '--set', 'training.earlyStopping=false', '--workspace', ws], {
    onStdoutLine: (line, kill) => {
      if (!sent && line.includes('"type":"epoch"')) {
        sent = true;
        kill();
      }
    },
  });
  assert.equal(train.code, 130, train.stderr);
  const result = resultOf(train.stdout);
  assert.equal(result.status, 'cancelled');
  assert.ok(result.epochsRun >= 1 && result.epochsRun < 200);
  const run = JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8'));
  assert.equal(run.status, 'cancelled');
  assert.ok(existsSync(join(result.runDir, 'model', 'modellab.json')), 'the best epoch so far is kept as the bundle');
});
