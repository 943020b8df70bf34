/**
 * TensorFlow.js activations as ONNX nodes, each computing the formula tfjs-layers computes (not
 * merely the textbook one), so the converted graph predicts what the trained model predicts:
 * - relu6 is min(max(x, 0), 6)                       → Clip(0, 6)
 * - elu is x > 0 ? x : exp(x) - 1 (alpha 1)           → Elu(alpha=1)
 * - selu uses tfjs's alpha/scale constants            → Selu with the same float32 constants
 * - hardSigmoid is clip(0.2·x + 0.5, 0, 1)            → HardSigmoid(alpha=0.2, beta=0.5)
 * - swish is x·sigmoid(x)                             → Sigmoid, Mul
 * - mish is x·tanh(softplus(x))                       → Softplus, Tanh, Mul (ONNX's Mish op needs opset 18)
 * - softmax is over the last axis                     → Softmax(axis=-1) (opset 13 semantics: one axis)
 */
import { float, type GraphBuilder } from './graphBuilder';

/** tfjs-core's selu constants (scale·alpha and scale), to double precision; the attributes store them as float32. */
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.7580993408473768 / SELU_SCALE;

/** tfjs serialises activations by class name ('hardSigmoid', 'relu6'…); Keras files say 'hard_sigmoid'. */
export function normaliseActivation(name: unknown): string {
  return typeof name === 'string' ? name.replace(/_/g, '').toLowerCase() : 'linear';
}

export const CONVERTIBLE_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish', 'hardsigmoid'];

/**
 * Emits `activation(x)` and returns the result's name (`x` itself for linear). Throws for an
 * activation it cannot express, naming it. `x` must be in the layout whose last axis is the
 * layer's last axis (softmax is the only activation that cares).
 */
export function emitActivation(g: GraphBuilder, activation: unknown, x: string, hint: string): string {
  const name = normaliseActivation(activation);
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x], `${hint}/relu`);
    case 'relu6':
      return g.node('Clip', [x, g.floatTensor(`${hint}/zero`, [0], []), g.floatTensor(`${hint}/six`, [6], [])], `${hint}/relu6`);
    case 'elu':
      return g.node('Elu', [x], `${hint}/elu`, { alpha: float(1) });
    case 'selu':
      return g.node('Selu', [x], `${hint}/selu`, { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) });
    case 'sigmoid':
      return g.node('Sigmoid', [x], `${hint}/sigmoid`);
    case 'tanh':
      return g.node('Tanh', [x], `${hint}/tanh`);
    case 'softmax':
      return g.node('Softmax', [x], `${hint}/softmax`, { axis: -1 });
    case 'softplus':
      return g.node('Softplus', [x], `${hint}/softplus`);
    case 'softsign':
      return g.node('Softsign', [x], `${hint}/softsign`);
    case 'swish':
      return g.node('Mul', [x, g.node('Sigmoid', [x], `${hint}/swish_sigmoid`)], `${hint}/swish`);
    case 'mish': {
      const sp = g.node('Softplus', [x], `${hint}/mish_softplus`);
      return g.node('Mul', [x, g.node('Tanh', [sp], `${hint}/mish_tanh`)], `${hint}/mish`);
    }
    case 'hardsigmoid':
      return g.node('HardSigmoid', [x], `${hint}/hard_sigmoid`, { alpha: float(0.2), beta: float(0.5) });
    default:
      throw new Error(`activation '${String(activation)}' has no ONNX conversion (convertible: ${CONVERTIBLE_ACTIVATIONS.join(', ')})`);
  }
}
