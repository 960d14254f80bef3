import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { deriveSeed } from './derive-seed.js';

/**
 * A dropout function for tfjs recurrent cells (`dropoutFunc`): step k of training uses
 * seed deriveSeed(seed, k), so masks differ between steps yet repeat across runs.
 * (tfjs' cells otherwise call an unseeded dropout.)
 */
export function seededDropoutFunc(seed: number): (x: tf.Tensor, rate: number) => tf.Tensor {
  let step = 0;
  return (x, rate) => tf.dropout(x, rate, undefined, deriveSeed(seed, String(step++)));
}

/**
 * tfjs' Dropout layer reuses its one `seed` on every call: the same units would be dropped
 * at every step. This gives the layer a fresh derived seed on each training call instead
 * (inference is untouched), deterministic from `seed`.
 */
export function reseedEachTrainingStep(layer: tfl.layers.Layer, seed: number): void {
  const call = layer.call.bind(layer);
  const target = layer as unknown as { seed: number };
  let step = 0;
  layer.call = (inputs, kwargs) => {
    if ((kwargs as Record<string, unknown> | undefined)?.['training'] === true)
      target.seed = deriveSeed(seed, String(step++));
    return call(inputs, kwargs);
  };
}
