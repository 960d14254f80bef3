import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runOnBackend, seededValues } from '../test-support/run-on-backend.js';

describe('Reverse on wasm matches cpu', () => {
  it('reverses any set of axes, for float32, int32 and bool', async () => {
    const x = seededValues(2 * 3 * 4 * 5, 1);
    const make = () => [
      tf.reverse(tf.tensor4d(x, [2, 3, 4, 5]), 1),
      tf.reverse(tf.tensor4d(x, [2, 3, 4, 5]), [0, 2]),
      tf.reverse(tf.tensor4d(x, [2, 3, 4, 5]), -1),
      tf.reverse(tf.tensor4d(x, [2, 3, 4, 5]), [0, 1, 2, 3]),
      tf.reverse(tf.tensor3d(x.slice(0, 24), [2, 3, 4]), []),
      tf.reverse(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), 1),
      tf.cast(tf.reverse(tf.tensor2d([1, 0, 0, 1, 1, 0], [3, 2], 'bool'), 0), 'int32'),
    ];
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs).toEqual(cpu.outputs);
    expect(wasm.outputs[5]!.values).toEqual([3, 2, 1, 6, 5, 4]);
    expect(wasm.outputs[6]!.values).toEqual([1, 0, 0, 1, 1, 0]);
  });
});
