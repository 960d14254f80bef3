import type * as tf from '@tensorflow/tfjs-core';
import type { TrainCallbacks } from './fit.js';

/** What a callback saves in a checkpoint: JSON, plus tensors (e.g. best weights) when it has them. */
export interface CallbackState {
  readonly json: unknown;
  readonly tensors?: readonly tf.Tensor[] | undefined;
}

/** A callback whose position (best value, patience left, saved weights) goes into checkpoints. */
export interface StatefulCallback extends TrainCallbacks {
  /** Key of its entry in the checkpoint. */
  readonly stateKey: string;
  getState(): CallbackState;
  /** Restores a saved state; takes ownership of `tensors`. */
  setState(json: unknown, tensors: tf.Tensor[] | undefined): void;
  /** Frees what it holds (tensors). */
  dispose?(): void;
}

export function isStateful(callback: TrainCallbacks): callback is StatefulCallback {
  return typeof (callback as Partial<StatefulCallback>).stateKey === 'string';
}
