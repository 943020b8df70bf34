/**
 * One converter per TensorFlow.js layer class. Each takes the layer's input value and returns its
 * output value. Values carry their logical (tfjs, channels-last) shape and whether the ONNX tensor
 * is physically NCHW: ONNX's Conv and pooling ops want channels first, so 4-D values are transposed
 * once on the way into a run of conv/pool/batch-norm layers and back only where the channel order
 * becomes visible (Flatten, Reshape, Dense, Softmax, the graph output). Flattening NHWC in the order
 * tfjs does is what keeps a trained Dense kernel after a Flatten valid.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { emitActivation } from './activations';
import { type AttrValue, type GraphBuilder } from './graphBuilder';

export interface Value {
  name: string;
  /** The tfjs shape (batch first, channels last), null for the batch. */
  shape: (number | null)[];
  /** True when the ONNX tensor holds the 4-D value as NCHW. */
  nchw: boolean;
}

export class UnsupportedLayerError extends Error {
  constructor(
    readonly layerName: string,
    readonly className: string,
    reason: string,
  ) {
    super(`layer '${layerName}' (${className}) cannot be converted to ONNX: ${reason}`);
    this.name = 'UnsupportedLayerError';
  }
}

type Config = Record<string, unknown>;

export class LayerContext {
  constructor(
    readonly g: GraphBuilder,
    readonly layer: tfl.layers.Layer,
    readonly config: Config,
  ) {}

  get hint(): string {
    return this.layer.name;
  }

  fail(reason: string): never {
    throw new UnsupportedLayerError(this.layer.name, this.layer.getClassName(), reason);
  }

  /** The layer's weights by their Keras short name ('kernel', 'bias', 'gamma', …). */
  weight(short: string): { data: Float32Array; shape: number[] } | undefined {
    const v = this.layer.weights.find((w) => w.originalName.split('/').pop() === short || w.name.split('/').pop() === short);
    if (!v) return undefined;
    const t = v.read();
    return { data: t.dataSync() as Float32Array, shape: t.shape };
  }

  requireWeight(short: string): { data: Float32Array; shape: number[] } {
    return this.weight(short) ?? this.fail(`it has no '${short}' weight`);
  }

  /** The layer's output shape as tfjs computed it. */
  get outputShape(): (number | null)[] {
    const s = this.layer.outputShape;
    if (Array.isArray(s[0])) this.fail('it has several outputs');
    return s as (number | null)[];
  }

  toNhwc(v: Value): string {
    return v.nchw ? this.g.node('Transpose', [v.name], `${this.hint}/to_nhwc`, { perm: [0, 2, 3, 1] }) : v.name;
  }

  toNchw(v: Value): string {
    if (v.shape.length !== 4) this.fail(`expected a 4-D input, got shape [${v.shape.join(', ')}]`);
    return v.nchw ? v.name : this.g.node('Transpose', [v.name], `${this.hint}/to_nchw`, { perm: [0, 3, 1, 2] });
  }

  /** Values in the natural (tfjs) layout for ops that see the channel axis order. */
  natural(name: string): Value {
    return { name, shape: this.outputShape, nchw: false };
  }

  requireChannelsLast(): void {
    const format = this.config.dataFormat;
    if (format !== undefined && format !== 'channelsLast') this.fail(`dataFormat '${String(format)}' (only channelsLast converts)`);
  }
}

type Converter = (c: LayerContext, x: Value) => Value;

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);

/**
 * ONNX pads [top, left, bottom, right] for a window sliding over (h, w) the way tfjs does it:
 * 'valid' pads nothing; 'same' makes ceil(in / stride) outputs and puts the odd pixel of padding
 * at the bottom/right (tfjs's computePaddings, which is ONNX's SAME_UPPER).
 */
function windowPads(c: LayerContext, padding: unknown, inHW: (number | null)[], kernel: [number, number], strides: [number, number], dilation: [number, number]): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') c.fail(`padding '${String(padding)}'`);
  const before: number[] = [];
  const after: number[] = [];
  for (let a = 0; a < 2; a++) {
    const size = inHW[a];
    if (size === null) c.fail("'same' padding needs known spatial dimensions");
    const effective = (kernel[a] - 1) * dilation[a] + 1;
    const out = Math.ceil(size / strides[a]);
    const total = Math.max(0, (out - 1) * strides[a] + effective - size);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [...before, ...after];
}

/** [kh, kw, in, out] (tfjs) → [out, in, kh, kw] (ONNX OIHW). */
function kernelToOihw(data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o];
  return out;
}

const identity: Converter = (_c, x) => x;

const activationLayer: Converter = (c, x) => {
  // Softmax runs over the last logical axis, so it needs the natural layout; the others are elementwise.
  const isSoftmax = String(c.config.activation).toLowerCase() === 'softmax';
  const input = isSoftmax ? c.toNhwc(x) : x.name;
  return { name: emitActivation(c.g, c.config.activation, input, c.hint), shape: c.outputShape, nchw: isSoftmax ? false : x.nchw };
};

const dense: Converter = (c, x) => {
  const kernel = c.requireWeight('kernel');
  const bias = c.config.useBias === false ? undefined : c.requireWeight('bias');
  const input = c.toNhwc(x);
  const w = c.g.floatTensor(`${c.hint}/kernel`, kernel.data, kernel.shape);
  let y: string;
  if (x.shape.length === 2) {
    // Gemm with transB = 0 takes the Keras [in, out] kernel as it is.
    const inputs = [input, w];
    if (bias) inputs.push(c.g.floatTensor(`${c.hint}/bias`, bias.data, bias.shape));
    y = c.g.node('Gemm', inputs, `${c.hint}/gemm`);
  } else {
    // tfjs applies Dense to the last axis of higher-rank inputs, as MatMul broadcasting does.
    y = c.g.node('MatMul', [input, w], `${c.hint}/matmul`);
    if (bias) y = c.g.node('Add', [y, c.g.floatTensor(`${c.hint}/bias`, bias.data, bias.shape)], `${c.hint}/bias_add`);
  }
  return c.natural(emitActivation(c.g, c.config.activation, y, c.hint));
};

const batchNormalization: Converter = (c, x) => {
  const rank = x.shape.length;
  const axis = Array.isArray(c.config.axis) ? c.config.axis : [c.config.axis ?? -1];
  if (axis.length !== 1 || !(axis[0] === -1 || axis[0] === rank - 1)) c.fail(`axis ${JSON.stringify(c.config.axis)} (only the last axis converts)`);
  const mean = c.requireWeight('moving_mean').data;
  const variance = c.requireWeight('moving_variance').data;
  const gamma = c.weight('gamma')?.data;
  const beta = c.weight('beta')?.data;
  const epsilon = Number(c.config.epsilon ?? 1e-3);
  // Inference BN is an affine map per channel: fold it into one scale and one shift (computed in
  // float64 like tfjs's CPU kernel, which evaluates (x - mean) · gamma / sqrt(var + eps) + beta).
  const channels = mean.length;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let i = 0; i < channels; i++) {
    const s = (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + epsilon);
    scale[i] = s;
    shift[i] = (beta ? beta[i] : 0) - mean[i] * s;
  }
  // On an NCHW tensor the channel constants broadcast as [C, 1, 1]; otherwise along the last axis.
  const dims = x.nchw ? [channels, 1, 1] : [channels];
  const scaled = c.g.node('Mul', [x.name, c.g.floatTensor(`${c.hint}/scale`, scale, dims)], `${c.hint}/scale_mul`);
  const y = c.g.node('Add', [scaled, c.g.floatTensor(`${c.hint}/shift`, shift, dims)], `${c.hint}/shift_add`);
  return { name: y, shape: c.outputShape, nchw: x.nchw };
};

const conv2d: Converter = (c, x) => {
  c.requireChannelsLast();
  const kernel = c.requireWeight('kernel');
  const bias = c.config.useBias === false ? undefined : c.requireWeight('bias');
  const [kh, kw] = kernel.shape;
  const strides = pair(c.config.strides ?? 1);
  const dilations = pair(c.config.dilationRate ?? 1);
  const pads = windowPads(c, c.config.padding ?? 'valid', x.shape.slice(1, 3), [kh, kw], strides, dilations);
  const inputs = [c.toNchw(x), c.g.floatTensor(`${c.hint}/kernel_oihw`, kernelToOihw(kernel.data, kernel.shape), [kernel.shape[3], kernel.shape[2], kh, kw])];
  if (bias) inputs.push(c.g.floatTensor(`${c.hint}/bias`, bias.data, bias.shape));
  const y = c.g.node('Conv', inputs, `${c.hint}/conv`, { kernel_shape: [kh, kw], strides, dilations, pads, group: 1 });
  const activation = String(c.config.activation ?? 'linear').toLowerCase();
  if (activation === 'softmax') {
    // Softmax over channels: back to NHWC first, where channels are the last axis.
    const v: Value = { name: y, shape: c.outputShape, nchw: true };
    return c.natural(emitActivation(c.g, 'softmax', c.toNhwc(v), c.hint));
  }
  return { name: emitActivation(c.g, c.config.activation, y, c.hint), shape: c.outputShape, nchw: true };
};

function pooling2d(op: 'MaxPool' | 'AveragePool'): Converter {
  return (c, x) => {
    c.requireChannelsLast();
    const kernel = pair(c.config.poolSize ?? 2);
    const strides = pair(c.config.strides ?? kernel);
    const pads = windowPads(c, c.config.padding ?? 'valid', x.shape.slice(1, 3), kernel, strides, [1, 1]);
    // tfjs averages over the window's pixels inside the image only: ONNX's count_include_pad = 0.
    const attrs: Record<string, AttrValue> = { kernel_shape: kernel, strides, pads };
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    return { name: c.g.node(op, [c.toNchw(x)], `${c.hint}/${op.toLowerCase()}`, attrs), shape: c.outputShape, nchw: true };
  };
}

function globalPooling(op: 'ReduceMean' | 'ReduceMax', spatialAxes: number): Converter {
  return (c, x) => {
    c.requireChannelsLast();
    if (c.config.keepDims === true) c.fail('keepDims');
    // Reducing over the spatial axes, wherever the layout put them, leaves [N, C] in natural order.
    const axes = x.nchw ? [2, 3] : Array.from({ length: spatialAxes }, (_, i) => i + 1);
    return c.natural(c.g.node(op, [x.name], `${c.hint}/${op.toLowerCase()}`, { axes, keepdims: 0 }));
  };
}

const flatten: Converter = (c, x) => c.natural(c.g.node('Flatten', [c.toNhwc(x)], `${c.hint}/flatten`, { axis: 1 }));

const reshape: Converter = (c, x) => {
  const target = (c.config.targetShape as (number | null)[] | undefined) ?? c.fail('no targetShape');
  // Reshape's 0 copies the input's dimension: the batch, whatever its size. tfjs keeps the inferred
  // dimension as -1 or (after a round trip through JSON) null; ONNX wants -1.
  const shape = c.g.int64Tensor(`${c.hint}/shape`, [0, ...target.map((d) => (d === null || d < 0 ? -1 : d))]);
  return c.natural(c.g.node('Reshape', [c.toNhwc(x), shape], `${c.hint}/reshape`));
};

const embedding: Converter = (c, x) => {
  const table = c.requireWeight('embeddings');
  // tfjs casts the (float) indices to int32, truncating; Cast to int64 truncates the same way.
  const indices = c.g.node('Cast', [c.toNhwc(x)], `${c.hint}/indices`, { to: 7 });
  return c.natural(c.g.node('Gather', [c.g.floatTensor(`${c.hint}/embeddings`, table.data, table.shape), indices], `${c.hint}/gather`, { axis: 0 }));
};

export const LAYER_CONVERTERS: Record<string, Converter> = {
  Dense: dense,
  Dropout: identity,
  // Noise and dropout variants are identity at inference time, as in tfjs's predict.
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Activation: activationLayer,
  BatchNormalization: batchNormalization,
  Conv2D: conv2d,
  MaxPooling2D: pooling2d('MaxPool'),
  AveragePooling2D: pooling2d('AveragePool'),
  GlobalAveragePooling2D: globalPooling('ReduceMean', 2),
  GlobalMaxPooling2D: globalPooling('ReduceMax', 2),
  GlobalAveragePooling1D: globalPooling('ReduceMean', 1),
  GlobalMaxPooling1D: globalPooling('ReduceMax', 1),
  Flatten: flatten,
  Reshape: reshape,
  Embedding: embedding,
};
