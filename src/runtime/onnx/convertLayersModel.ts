/**
 * Converts a TensorFlow.js layers model (a chain of layers: one input, one output, each layer fed by
 * the one before) to an ONNX model, from the layers' configs and current weights. A layer or
 * topology it cannot express exactly throws an UnsupportedLayerError naming the layer, so callers
 * can fall back to TensorFlow.js instead of serving something that predicts differently.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { version_layers } from '@tensorflow/tfjs-layers';
import { GraphBuilder } from './graphBuilder';
import { LAYER_CONVERTERS, LayerContext, UnsupportedLayerError, type Value } from './layerConverters';

export { UnsupportedLayerError } from './layerConverters';

export interface ConvertOptions {
  /** Graph input and output names (default 'input' and 'output'). */
  inputName?: string;
  outputName?: string;
  /** Extra metadata_props entries, e.g. the class labels or the source weights' fingerprint. */
  metadata?: Record<string, string>;
}

export const CONVERTIBLE_LAYERS = Object.keys(LAYER_CONVERTERS);

/** The layers of a single chain, input layer excluded, or an error saying why the model is not one. */
function chainOf(model: tfl.LayersModel): tfl.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UnsupportedLayerError(model.name, model.getClassName(), `it has ${model.inputs.length} inputs and ${model.outputs.length} outputs (only one of each converts)`);
  }
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let previous: tfl.layers.Layer | undefined;
  for (const layer of layers) {
    const nodes = layer.inboundNodes;
    const inbound = nodes.length === 1 ? nodes[0].inboundLayers : [];
    const fedBy = inbound.length === 1 ? inbound[0] : undefined;
    const ok = nodes.length === 1 && inbound.length === 1 && (previous ? fedBy === previous : fedBy?.getClassName() === 'InputLayer');
    if (!ok) throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'the model is not a single chain of layers (branches, merges or shared layers do not convert)');
    previous = layer;
  }
  return layers;
}

export function convertLayersModelToOnnx(model: tfl.LayersModel, options: ConvertOptions = {}): Uint8Array {
  const g = new GraphBuilder();
  const inputShape = model.inputs[0]?.shape ?? [];
  const layers = chainOf(model);
  const inputName = g.fresh(options.inputName ?? 'input');
  g.inputs.push(GraphBuilder.floatValue(inputName, inputShape));
  let x: Value = { name: inputName, shape: inputShape, nchw: false };
  for (const layer of layers) {
    const className = layer.getClassName();
    const convert = LAYER_CONVERTERS[className];
    if (!convert) throw new UnsupportedLayerError(layer.name, className, `no converter for ${className} (convertible: ${CONVERTIBLE_LAYERS.join(', ')})`);
    const context = new LayerContext(g, layer, layer.getConfig() as Record<string, unknown>);
    try {
      x = convert(context, x);
    } catch (err) {
      if (err instanceof UnsupportedLayerError) throw err;
      // An activation or attribute the converter refused: still name the layer.
      throw new UnsupportedLayerError(layer.name, className, err instanceof Error ? err.message : String(err));
    }
  }
  // The output leaves in tfjs's layout; a graph whose output is its input still needs a node.
  const last = x.nchw ? g.node('Transpose', [x.name], 'output/to_nhwc', { perm: [0, 2, 3, 1] }) : x.name;
  const outputName = g.node('Identity', [last], options.outputName ?? 'output');
  g.outputs.push(GraphBuilder.floatValue(outputName, model.outputs[0].shape));
  return g.toBytes({ graphName: model.name, producerVersion: `tfjs-layers ${version_layers}`, metadata: options.metadata });
}

