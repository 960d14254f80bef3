import type * as tf from '@tensorflow/tfjs-core';

/** The current learning rate of a tfjs optimizer (adam, sgd, rmsprop, adagrad). */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * Changes a tfjs optimizer's learning rate between steps. Adam, RMSProp and Adagrad read
 * `learningRate` on every step; SGD keeps a scalar and has `setLearningRate`.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (r: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(rate);
  else o.learningRate = rate;
}
