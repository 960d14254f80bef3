import * as tf from '@tensorflow/tfjs-core';
import { fusedAdam } from '@seqpipe/backend';
import type { OptimizerType, TrainSpec } from './pipeline-types.js';

/**
 * Optimizers keyed by type. tfjs' defaults match Keras' for the other hyper-parameters
 * (adam betas 0.9/0.999 and epsilon 1e-7, rmsprop rho 0.9, adagrad initial accumulator 0.1).
 * Adam is `@seqpipe/backend`'s fusedAdam: tfjs' Adam, bit for bit, one kernel per variable on wasm.
 */
const optimizerRegistry: Readonly<Record<OptimizerType, (learningRate: number) => tf.Optimizer>> = {
  adam: (learningRate) => fusedAdam(learningRate),
  sgd: (learningRate) => tf.train.sgd(learningRate),
  rmsprop: (learningRate) => tf.train.rmsprop(learningRate),
  adagrad: (learningRate) => tf.train.adagrad(learningRate),
};

/** A new tfjs optimizer for `train.optimizer`. */
export function createOptimizer(spec: TrainSpec['optimizer']): tf.Optimizer {
  return optimizerRegistry[spec.type](spec.learningRate);
}
