/**
 * bench/backends: training and prediction throughput of each TensorFlow.js backend available here,
 * as ratios to wasm measured in the same run. Models: an MLP 784-256-128-10 and a small CNN on 28×28×1
 * inputs (conv 3×3×16 → max-pool → conv 3×3×32 → max-pool → dense 10), at batch 128 and 1024, trained
 * with Model Lab's training loop (Adam), on synthetic data. A software WebGPU adapter (Mesa's lavapipe)
 * is measured too and labelled as such: it shows the GPU code path works, not how fast a GPU is.
 *
 *   node --import tsx bench/backends/backends.bench.ts [--steps 4] [--backends webgpu,wasm,cpu] [--models mlp,cnn] [--batches 128,1024]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseArgs } from 'node:util';
import { type BackendName, selectBackend } from '../../src/runtime/backend/selectBackend';
import { resolveLoss, resolveMetrics } from '../../src/runtime/train/lossesAndMetrics';
import { runTrainingLoop } from '../../src/runtime/train/trainingLoop';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '4' },
    backends: { type: 'string', default: 'webgpu,wasm,cpu' },
    models: { type: 'string', default: 'mlp,cnn' },
    batches: { type: 'string', default: '128,1024' },
  },
});
const STEPS = Number(values.steps);
const BACKENDS = values.backends!.split(',') as BackendName[];
const MODELS = values.models!.split(',') as ModelKind[];
const BATCHES = values.batches!.split(',').map(Number);

type ModelKind = 'mlp' | 'cnn';

function makeModel(kind: ModelKind): tfl.Sequential {
  const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
  const m = tfl.sequential();
  if (kind === 'mlp') {
    m.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu', ...init(1) }));
    m.add(tfl.layers.dense({ units: 128, activation: 'relu', ...init(2) }));
  } else {
    m.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', ...init(1) }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', ...init(2) }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax', ...init(3) }));
  return m;
}

function syntheticData(n: number) {
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const x = new Float32Array(n * 784).map(() => rand());
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) y[i * 10 + Math.floor(rand() * 10)] = 1;
  return { x, y };
}

const xShape = (kind: ModelKind) => (kind === 'mlp' ? [784] : [28, 28, 1]);

/** Training examples/s: one warm-up step (shader compilation, buffer pools), then STEPS timed steps. */
async function trainingRate(kind: ModelKind, batch: number): Promise<number> {
  const n = batch * STEPS;
  const { x, y } = syntheticData(n);
  const model = makeModel(kind);
  const optimizer = tf.train.adam(1e-3);
  const common = {
    model,
    batchSize: batch,
    optimizer,
    loss: resolveLoss('categoricalCrossentropy'),
    metrics: resolveMetrics(['accuracy'], 'classification'),
    seed: 1,
    shuffle: true,
    epochs: 1,
  };
  await runTrainingLoop({ ...common, train: { x: x.subarray(0, batch * 784), y: y.subarray(0, batch * 10), n: batch, xShape: xShape(kind), yWidth: 10 } });
  const t = performance.now();
  await runTrainingLoop({ ...common, train: { x, y, n, xShape: xShape(kind), yWidth: 10 } });
  const rate = n / ((performance.now() - t) / 1000);
  model.dispose();
  optimizer.dispose();
  return rate;
}

/** Prediction examples/s at the given batch size (reads each batch's output, as serving does). */
async function predictionRate(kind: ModelKind, batch: number): Promise<number> {
  const model = makeModel(kind);
  const { x } = syntheticData(batch);
  const input = tf.tensor(x, [batch, ...xShape(kind)]);
  const once = async () => {
    const out = model.predict(input) as tf.Tensor;
    await out.data();
    out.dispose();
  };
  await once();
  const t = performance.now();
  for (let i = 0; i < STEPS; i++) await once();
  const rate = (batch * STEPS) / ((performance.now() - t) / 1000);
  input.dispose();
  model.dispose();
  return rate;
}

interface Row {
  what: string;
  rates: Map<string, number>;
}

async function main() {
  const labels = new Map<string, string>();
  const available: BackendName[] = [];
  for (const name of BACKENDS) {
    try {
      const info = await selectBackend(name);
      available.push(name);
      labels.set(name, name === 'webgpu' && info.adapter?.software ? `webgpu (software: ${info.adapter.description.split(' (')[0]})` : name === 'webgpu' ? `webgpu (${info.adapter?.description})` : name);
    } catch (err) {
      console.log(`  ${name}: not available — ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const rows: Row[] = [];
  for (const kind of MODELS) {
    for (const batch of BATCHES) {
      for (const phase of ['train', 'predict'] as const) {
        const row: Row = { what: `${kind.toUpperCase()} ${phase === 'train' ? 'training' : 'prediction'}, batch ${batch}`, rates: new Map() };
        for (const name of available) {
          await selectBackend(name);
          const rate = phase === 'train' ? await trainingRate(kind, batch) : await predictionRate(kind, batch);
          row.rates.set(name, rate);
          console.error(`  ${row.what} on ${name}: ${rate.toFixed(0)} ex/s`);
        }
        rows.push(row);
      }
    }
  }

  console.log(`bench/backends — examples/s and ratio to wasm (same run); ${STEPS} timed steps after one warm-up step; TensorFlow.js ${tf.version_core}, Node ${process.versions.node}`);
  console.log(`| | ${available.map((n) => labels.get(n)).join(' | ')} |`);
  console.log(`|---|${available.map(() => '---').join('|')}|`);
  for (const row of rows) {
    const wasm = row.rates.get('wasm');
    const cells = available.map((n) => {
      const rate = row.rates.get(n)!;
      return `${Math.round(rate).toLocaleString('en')}${wasm ? ` (${(rate / wasm).toFixed(2)}×)` : ''}`;
    });
    console.log(`| ${row.what} | ${cells.join(' | ')} |`);
  }
  const cnn = rows.find((r) => r.what === 'CNN training, batch 1024');
  const gpu = cnn?.rates.get('webgpu');
  const wasm = cnn?.rates.get('wasm');
  if (gpu !== undefined && wasm !== undefined) {
    const software = labels.get('webgpu')?.includes('software');
    console.log(`GPU target (CNN training, batch 1024, webgpu ≥ 10× wasm): ${(gpu / wasm).toFixed(2)}× — ${software ? 'software adapter: not a GPU measurement' : gpu / wasm >= 10 ? 'met' : 'NOT met'}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
