/**
 * Equivalence of the TensorFlow.js → ONNX conversion: for every convertible layer (and every
 * activation the job spec allows) and a few whole models, random inputs through TensorFlow.js (cpu
 * backend) and ONNX Runtime agree to 1e-5. The files written are also checked by python3-onnx's
 * checker when it is installed (Debian package python3-onnx).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import { convertLayersModelToOnnx, UnsupportedLayerError } from '../../../src/runtime/onnx/convertLayersModel';
import { checkWrittenWithPythonOnnx, compareWithTfjs, randomizeWeights, useCpu } from './onnxTestUtils';

const TOLERANCE = 1e-5;
const figures: string[] = [];

before(useCpu);
after(() => console.log(`# max |tfjs − onnxruntime| per case:\n${figures.map((f) => `#   ${f}`).join('\n')}`));

type Case = { name: string; layers: () => tfl.layers.Layer[]; integers?: number; scale?: number; inputShape?: number[] };

const ACTIVATIONS = ['relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'linear', 'swish', 'mish', 'hardSigmoid'] as const;

const cases: Case[] = [
  ...ACTIVATIONS.map((a) => ({ name: `dense ${a}`, layers: () => [tfl.layers.dense({ units: 5, activation: a, inputShape: [6] })], scale: 3 })),
  ...ACTIVATIONS.map((a) => ({ name: `activation layer ${a}`, layers: () => [tfl.layers.activation({ activation: a, inputShape: [9] })], scale: 4 })),
  { name: 'dense without bias', layers: () => [tfl.layers.dense({ units: 4, useBias: false, inputShape: [3] })] },
  { name: 'dense on a 3-D input', layers: () => [tfl.layers.dense({ units: 4, activation: 'tanh', inputShape: [5, 3] })] },
  { name: 'dense on a 4-D conv output (back to NHWC)', layers: () => [tfl.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2] }), tfl.layers.dense({ units: 2 })] },
  { name: 'activation layer softmax on a conv output', layers: () => [tfl.layers.conv2d({ filters: 4, kernelSize: 2, inputShape: [4, 4, 2] }), tfl.layers.activation({ activation: 'softmax' })] },
  { name: 'activation layer tanh on a conv output (stays NCHW)', layers: () => [tfl.layers.conv2d({ filters: 4, kernelSize: 2, inputShape: [4, 4, 2] }), tfl.layers.activation({ activation: 'tanh' }), tfl.layers.flatten()] },
  { name: 'dropout (identity)', layers: () => [tfl.layers.dropout({ rate: 0.5, inputShape: [6] })] },
  { name: 'batchNormalization 2-D', layers: () => [tfl.layers.batchNormalization({ inputShape: [6] })] },
  { name: 'batchNormalization 4-D, NHWC', layers: () => [tfl.layers.batchNormalization({ inputShape: [5, 4, 3] })] },
  {
    name: 'batchNormalization after conv (NCHW), no scale/center',
    layers: () => [tfl.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [5, 5, 2] }), tfl.layers.batchNormalization({ scale: false, center: false, epsilon: 0.01 })],
  },
  { name: 'conv2d valid', layers: () => [tfl.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 7, 2] })] },
  { name: 'conv2d same, odd sizes, stride 2', layers: () => [tfl.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', inputShape: [7, 6, 2] })] },
  { name: 'conv2d same, stride [2, 3], 4×4 kernel', layers: () => [tfl.layers.conv2d({ filters: 2, kernelSize: 4, strides: [2, 3], padding: 'same', inputShape: [9, 8, 1] })] },
  { name: 'conv2d dilation 2, no bias, relu', layers: () => [tfl.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false, activation: 'relu', inputShape: [8, 8, 3] })] },
  { name: 'conv2d with softmax activation', layers: () => [tfl.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'softmax', inputShape: [3, 3, 2] })] },
  { name: 'maxPooling2d valid', layers: () => [tfl.layers.maxPooling2d({ poolSize: 2, inputShape: [6, 6, 2] })] },
  { name: 'maxPooling2d same 3/2 on 7×7', layers: () => [tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', inputShape: [7, 7, 2] })] },
  { name: 'averagePooling2d valid', layers: () => [tfl.layers.averagePooling2d({ poolSize: [2, 3], inputShape: [6, 6, 2] })] },
  { name: 'averagePooling2d same (padding excluded)', layers: () => [tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', inputShape: [7, 8, 2] })] },
  { name: 'globalAveragePooling2d', layers: () => [tfl.layers.globalAveragePooling2d({ inputShape: [4, 5, 3] })] },
  { name: 'globalMaxPooling2d after conv', layers: () => [tfl.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 5, 2] }), tfl.layers.globalMaxPooling2d({})] },
  { name: 'flatten after conv (NHWC order)', layers: () => [tfl.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 5, 2] }), tfl.layers.flatten()] },
  { name: 'reshape 2-D → 4-D → 2-D', layers: () => [tfl.layers.reshape({ targetShape: [4, 3, 2], inputShape: [24] }), tfl.layers.reshape({ targetShape: [-1] })] },
  { name: 'reshape after pooling', layers: () => [tfl.layers.maxPooling2d({ poolSize: 2, inputShape: [4, 4, 3] }), tfl.layers.reshape({ targetShape: [4, 3] })] },
  { name: 'embedding', layers: () => [tfl.layers.embedding({ inputDim: 11, outputDim: 4, inputLength: 5 })], integers: 11 },
  {
    name: 'embedding → globalAveragePooling1d → dense',
    layers: () => [tfl.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7 }), tfl.layers.globalAveragePooling1d({}), tfl.layers.dense({ units: 3, activation: 'softmax' })],
    integers: 20,
  },
  {
    name: 'embedding of variable-length sequences → globalMaxPooling1d',
    layers: () => [tfl.layers.embedding({ inputDim: 9, outputDim: 3, inputShape: [null] as unknown as number[] }), tfl.layers.globalMaxPooling1d({})],
    integers: 9,
    inputShape: [5],
  },
  // Whole models, the shapes Model Lab trains.
  {
    name: 'model: MLP 64-32-16-10',
    layers: () => [
      tfl.layers.dense({ units: 32, activation: 'relu', inputShape: [64] }),
      tfl.layers.dropout({ rate: 0.2 }),
      tfl.layers.dense({ units: 16, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  },
  {
    name: 'model: digits conv net',
    layers: () => [
      tfl.layers.reshape({ targetShape: [8, 8, 1], inputShape: [64] }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 32, activation: 'relu' }),
      tfl.layers.dropout({ rate: 0.25 }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  },
  {
    name: 'model: conv + BN + avg pool + global max',
    layers: () => [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', inputShape: [9, 9, 2] }),
      tfl.layers.batchNormalization({}),
      tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
      tfl.layers.conv2d({ filters: 5, kernelSize: 2, activation: 'swish' }),
      tfl.layers.globalMaxPooling2d({}),
      tfl.layers.dense({ units: 3, activation: 'sigmoid' }),
    ],
  },
  {
    name: 'model: MLP with batchNormalization',
    layers: () => [
      tfl.layers.dense({ units: 16, inputShape: [10] }),
      tfl.layers.batchNormalization({}),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.dense({ units: 1 }),
    ],
  },
  {
    name: 'model: embedding → flatten → dense',
    layers: () => [tfl.layers.embedding({ inputDim: 30, outputDim: 4, inputLength: 6 }), tfl.layers.flatten(), tfl.layers.dense({ units: 2, activation: 'softmax' })],
    integers: 30,
  },
];

cases.forEach((c, k) => {
  test(`ONNX matches TensorFlow.js: ${c.name}`, async () => {
    const model = tfl.sequential({ layers: c.layers(), name: `case${k}` });
    randomizeWeights(model, 100 + k);
    const { maxDiff } = await compareWithTfjs(model, { seed: k + 1, integers: c.integers, scale: c.scale, inputShape: c.inputShape });
    figures.push(`${maxDiff.toExponential(2)}  ${c.name}`);
    assert.ok(maxDiff <= TOLERANCE, `max abs difference ${maxDiff} > ${TOLERANCE}`);
    model.dispose();
  });
});

test('a layer without an ONNX conversion is refused, naming the layer', () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] }), tfl.layers.leakyReLU({ name: 'leaky' })] });
  assert.throws(() => convertLayersModelToOnnx(model), (err: unknown) => err instanceof UnsupportedLayerError && err.layerName === 'leaky' && /LeakyReLU/.test(err.message));
  const conv = tfl.sequential({ layers: [tfl.layers.conv2d({ filters: 1, kernelSize: 1, dataFormat: 'channelsFirst', inputShape: [1, 3, 3], name: 'cf' })] });
  assert.throws(() => convertLayersModelToOnnx(conv), /layer 'cf' \(Conv2D\).*channelsFirst/);
});

test('a model that is not a chain of layers is refused', () => {
  const input = tfl.input({ shape: [4] });
  const a = tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'merge' }).apply([a, b]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: sum });
  assert.throws(() => convertLayersModelToOnnx(model), UnsupportedLayerError);
});

test('every file written passes python3-onnx checker (skipped without python3-onnx)', (t) => {
  const result = checkWrittenWithPythonOnnx();
  if (!result) {
    t.skip('python3-onnx is not installed (apt-get install python3-onnx)');
    return;
  }
  assert.ok(result.checked >= cases.length);
  assert.deepEqual(result.failures, []);
});
