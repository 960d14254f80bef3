import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { deriveSeed } from './derive-seed.js';

/** The position of one seeded dropout stream: the next step's seed is deriveSeed(seed, step). */
interface DropoutCounter {
  step: number;
}

/** Counters by owner (a cell's dropout function, or a Dropout layer), for checkpoints. */
const counters = new WeakMap<object, DropoutCounter>();

/**
 * A dropout function for tfjs recurrent cells (`dropoutFunc`): step k of training uses
 * seed deriveSeed(seed, k), so masks differ between steps yet repeat across runs.
 * (tfjs' cells otherwise call an unseeded dropout.)
 */
export function seededDropoutFunc(seed: number): (x: tf.Tensor, rate: number) => tf.Tensor {
  const counter: DropoutCounter = { step: 0 };
  const dropout = (x: tf.Tensor, rate: number): tf.Tensor =>
    tf.dropout(x, rate, undefined, deriveSeed(seed, String(counter.step++)));
  counters.set(dropout, counter);
  return dropout;
}

/**
 * tfjs' Dropout layer reuses its one `seed` on every call: the same units would be dropped
 * at every step. This gives the layer a fresh derived seed on each training call instead
 * (inference is untouched), deterministic from `seed`.
 */
export function reseedEachTrainingStep(layer: tfl.layers.Layer, seed: number): void {
  const call = layer.call.bind(layer);
  const target = layer as unknown as { seed: number };
  const counter: DropoutCounter = { step: 0 };
  counters.set(layer, counter);
  layer.call = (inputs, kwargs) => {
    if ((kwargs as Record<string, unknown> | undefined)?.['training'] === true)
      target.seed = deriveSeed(seed, String(counter.step++));
    return call(inputs, kwargs);
  };
}

/** The seeded dropout counters of a model, in layer order (Dropout layers, RNN cells, both directions). */
function modelCounters(model: { readonly layers: readonly object[] }): DropoutCounter[] {
  const found: DropoutCounter[] = [];
  const cellCounter = (rnn: unknown): DropoutCounter | undefined => {
    const cell = (rnn as { cell?: { dropoutFunc?: unknown } } | undefined)?.cell;
    const fn = cell?.dropoutFunc;
    return typeof fn === 'function' ? counters.get(fn) : undefined;
  };
  for (const layer of model.layers) {
    const wrapper = layer as { forwardLayer?: unknown; backwardLayer?: unknown };
    for (const counter of [
      counters.get(layer),
      cellCounter(layer),
      cellCounter(wrapper.forwardLayer),
      cellCounter(wrapper.backwardLayer),
    ]) {
      if (counter !== undefined) found.push(counter);
    }
  }
  return found;
}

/**
 * Where every seeded dropout stream of `model` is (steps taken so far): part of a training
 * checkpoint, so a resumed run draws the masks the uninterrupted run would have drawn.
 */
export function dropoutSteps(model: { readonly layers: readonly object[] }): number[] {
  return modelCounters(model).map((c) => c.step);
}

/** Restores `dropoutSteps` saved from a model compiled from the same pipeline. */
export function setDropoutSteps(
  model: { readonly layers: readonly object[] },
  steps: readonly number[],
): void {
  const found = modelCounters(model);
  if (found.length !== steps.length)
    throw new Error(
      `the model has ${found.length} dropout streams, the checkpoint ${steps.length}`,
    );
  found.forEach((c, i) => (c.step = steps[i] ?? 0));
}
