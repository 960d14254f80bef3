import type * as tf from '@tensorflow/tfjs-core';
import {
  GRU_CELL,
  SIMPLE_RNN_CELL,
  runFusedCell,
  type CellKernel,
  type FusedCellOptions,
} from './fused-cell.js';

/** Options of {@link fusedSimpleRnn} and {@link fusedGru}. */
export type FusedRnnOptions = FusedCellOptions;

/** What {@link fusedSimpleRnn} and {@link fusedGru} return: the output and the final state. */
export interface FusedRnnResult {
  output: tf.Tensor;
  h: tf.Tensor2D;
}

/** A fused single-state cell's call: `h0` defaults to zeros. */
type SingleStateRnn = (
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  h0?: tf.Tensor2D | null,
  options?: FusedRnnOptions,
) => FusedRnnResult;

function singleStateRnn(cell: CellKernel): SingleStateRnn {
  return (x, kernel, recurrentKernel, bias, h0 = null, options = {}) => {
    const r = runFusedCell(cell, x, kernel, recurrentKernel, bias, [h0], options);
    return { output: r.output, h: r.states[0]! };
  };
}

/**
 * A whole-sequence Keras SimpleRNN (`tanh`) in one WebAssembly SIMD call, forward and (when
 * gradients are being recorded) backward through time in one more. Weights in Keras' layout:
 * `kernel [inputDim, units]`, `recurrentKernel [units, units]`, `bias [units]` (null = none);
 * `h0` defaults to zeros. Differentiable with respect to every tensor input but the mask
 * (one op with two outputs). Without `returnSequences`, `output` and `h` hold the same values.
 */
export const fusedSimpleRnn: SingleStateRnn = singleStateRnn(SIMPLE_RNN_CELL);

/**
 * A whole-sequence GRU in one WebAssembly SIMD call forward and one backward, with the
 * semantics of tfjs-layers' GRU (Keras `reset_after=False`): gates z, r, h in that order in
 * `kernel [inputDim, 3·units]`, `recurrentKernel [units, 3·units]` and `bias [3·units]`;
 * `z, r = sigmoid(.)`, `hh = tanh(x·Wh + (r ⊙ h)·Uh + bh)`, `h' = z ⊙ h + (1 − z) ⊙ hh`.
 * `h0` defaults to zeros. Differentiable with respect to every tensor input but the mask.
 * Without `returnSequences`, `output` and `h` hold the same values.
 */
export const fusedGru: SingleStateRnn = singleStateRnn(GRU_CELL);
