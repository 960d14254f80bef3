import type * as tf from '@tensorflow/tfjs-core';
import { LSTM_CELL, runFusedCell, type FusedCellOptions } from './fused-cell.js';

/** Options of {@link fusedLstm}. */
export type FusedLstmOptions = FusedCellOptions;

/** What {@link fusedLstm} returns: the output and the final states. */
export interface FusedLstmResult {
  output: tf.Tensor;
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/**
 * A whole-sequence LSTM in one WebAssembly SIMD call, forward and (when gradients are being
 * recorded) backward through time in one more: Keras semantics (gates i, f, c, o; sigmoid
 * gates; tanh cell and output activation), weights in Keras' layout: `kernel [inputDim,
 * 4·units]`, `recurrentKernel [units, 4·units]`, `bias [4·units]` (null = none). `h0`/`c0`
 * default to zeros. Differentiable with respect to every tensor input but the mask (one op
 * with three outputs). Works on any tfjs backend (the data passes through the kernel module's
 * own memory).
 */
export function fusedLstm(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  h0: tf.Tensor2D | null = null,
  c0: tf.Tensor2D | null = null,
  options: FusedLstmOptions = {},
): FusedLstmResult {
  const r = runFusedCell(LSTM_CELL, x, kernel, recurrentKernel, bias, [h0, c0], options);
  return { output: r.output, h: r.states[0]!, c: r.states[1]! };
}
