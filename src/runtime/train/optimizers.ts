import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerName, OptimizerSpec } from '../spec/jobSpec';

const DEFAULT_LEARNING_RATE: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamax: 0.002,
  adagrad: 0.01,
  adadelta: 1.0,
  rmsprop: 0.001,
};

export function normalizeOptimizer(spec: OptimizerName | OptimizerSpec | undefined): OptimizerSpec {
  if (spec === undefined) return { type: 'adam' };
  return typeof spec === 'string' ? { type: spec } : spec;
}

export function createOptimizer(input: OptimizerName | OptimizerSpec | undefined): tf.Optimizer {
  const spec = normalizeOptimizer(input);
  const lr = spec.learningRate ?? DEFAULT_LEARNING_RATE[spec.type];
  switch (spec.type) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, spec.momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(lr, spec.beta1, spec.beta2, spec.epsilon);
    case 'adamax':
      return tf.train.adamax(lr, spec.beta1, spec.beta2, spec.epsilon);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr, spec.rho, spec.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(lr, spec.rho, spec.momentum, spec.epsilon);
  }
}
