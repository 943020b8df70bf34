/**
 * Builds a tf.LayersModel from the spec's declarative layers. Every initializer and dropout layer gets
 * a seed derived from the run's seed, so the same spec and seed give the same model and curves.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerSpec, LayersModelSpec } from '../spec/jobSpec';
import type { ModelShape } from './modelShape';

type SeedSource = () => number;

function seeded(seed: SeedSource) {
  return {
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed() }),
  };
}

function regularizer(l1?: number, l2?: number) {
  if (!l1 && !l2) return undefined;
  return tfl.regularizers.l1l2({ l1: l1 ?? 0, l2: l2 ?? 0 });
}

function buildLayer(spec: LayerSpec, seed: SeedSource, inputShape?: number[]): tfl.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  switch (spec.type) {
    case 'dense':
      return tfl.layers.dense({
        ...first,
        units: spec.units,
        activation: spec.activation,
        useBias: spec.useBias,
        kernelRegularizer: regularizer(spec.l1, spec.l2),
        ...seeded(seed),
      });
    case 'dropout':
      return tfl.layers.dropout({ ...first, rate: spec.rate, seed: seed() });
    case 'batchNormalization':
      return tfl.layers.batchNormalization({ ...first, momentum: spec.momentum, epsilon: spec.epsilon });
    case 'conv2d':
      return tfl.layers.conv2d({
        ...first,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        activation: spec.activation,
        ...seeded(seed),
      });
    case 'maxPooling2d':
      return tfl.layers.maxPooling2d({ ...first, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding });
    case 'averagePooling2d':
      return tfl.layers.averagePooling2d({ ...first, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding });
    case 'globalAveragePooling2d':
      return tfl.layers.globalAveragePooling2d({ ...first });
    case 'globalMaxPooling2d':
      return tfl.layers.globalMaxPooling2d({ ...first });
    case 'flatten':
      return tfl.layers.flatten({ ...first });
    case 'reshape':
      return tfl.layers.reshape({ ...first, targetShape: spec.targetShape });
    case 'embedding':
      return tfl.layers.embedding({
        ...first,
        inputDim: spec.inputDim,
        outputDim: spec.outputDim,
        embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed() }),
      });
    case 'activation':
      return tfl.layers.activation({ ...first, activation: spec.activation });
  }
}

/** A deterministic stream of initializer seeds from the run's seed. */
export function seedStream(seed: number): SeedSource {
  let next = seed >>> 0;
  return () => {
    // xorshift32: cheap, deterministic, and never zero for a non-zero state.
    next ^= next << 13;
    next >>>= 0;
    next ^= next >>> 17;
    next ^= next << 5;
    next >>>= 0;
    if (next === 0) next = 0x9e3779b9;
    return next;
  };
}

export function buildLayersModel(spec: LayersModelSpec, shape: ModelShape, seed: number): tfl.Sequential {
  const nextSeed = seedStream(seed || 1);
  const model = tfl.sequential();
  if (spec.layers.length === 0) {
    model.add(tfl.layers.inputLayer({ inputShape: shape.inputShape }));
  }
  spec.layers.forEach((layer, i) => model.add(buildLayer(layer, nextSeed, i === 0 ? shape.inputShape : undefined)));
  if ((spec.head ?? 'auto') === 'auto') {
    const outputShape = model.outputs[0].shape;
    if (outputShape.length > 2) model.add(tfl.layers.flatten());
    model.add(
      tfl.layers.dense({
        units: shape.outputUnits,
        activation: shape.task === 'classification' ? 'softmax' : 'linear',
        name: 'head',
        ...seeded(nextSeed),
      }),
    );
  }
  return model;
}
