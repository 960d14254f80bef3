import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { runOnBackend, seededValues } from '../test-support/run-on-backend.js';

describe('GatherV2 on wasm matches cpu', () => {
  it('gathers rows along any axis, with indices of any rank, float32 and int32', async () => {
    const x = seededValues(3 * 4 * 5, 1);
    const make = () => [
      tf.gather(
        tf.tensor2d(x.slice(0, 20), [4, 5]),
        tf.tensor2d([3, 0, 3, 1, 2, 2], [2, 3], 'int32'),
      ),
      tf.gather(tf.tensor3d(x, [3, 4, 5]), tf.tensor1d([2, 2, 0], 'int32'), 1),
      tf.gather(tf.tensor3d(x, [3, 4, 5]), tf.tensor1d([4, 0], 'int32'), 2),
      tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([2, 0], 'int32')),
      tf.gather(tf.tensor1d([7, 8, 9]), tf.scalar(1, 'int32')),
      tf.cast(tf.gather(tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([2, 1, 0], 'int32')), 'int32'),
      // batchDims runs the stock kernel.
      tf.gather(
        tf.tensor2d(x.slice(0, 8), [2, 4]),
        tf.tensor2d(
          [
            [3, 0],
            [1, 1],
          ],
          [2, 2],
          'int32',
        ),
        1,
        1,
      ),
    ];
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs.map((o) => o.shape)).toEqual([
      [2, 3, 5],
      [3, 3, 5],
      [3, 4, 2],
      [2, 2],
      [],
      [3],
      [2, 2],
    ]);
    expect(wasm.outputs).toEqual(cpu.outputs);
    expect(wasm.outputs[3]!.values).toEqual([5, 6, 1, 2]);
    expect(wasm.outputs[5]!.values).toEqual([1, 0, 1]);
  });

  it('throws for an index out of range, as cpu does, and leaks nothing', async () => {
    await initBackend({ type: 'wasm' });
    const before = tf.memory().numTensors;
    expect(() =>
      tf.tidy(() => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([0, 2], 'int32'))),
    ).toThrow('GatherV2: the index value 2 is not in [0, 1]');
    expect(tf.memory().numTensors).toBe(before);
  });
});
