import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradient functions (tfjs-core's Node bundle has none)
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { runOnBackend, seededValues } from '../test-support/run-on-backend.js';

/** The wasm backend's count of live data buffers (its heap allocations for tensors). */
function liveBuffers(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

describe('Identity on wasm shares the data', () => {
  it('clones without a copy, and the data lives until its last tensor is disposed', async () => {
    await initBackend({ type: 'wasm' });
    const before = liveBuffers();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    expect(liveBuffers()).toBe(before + 1);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    expect(liveBuffers()).toBe(before);
  });

  it('keeps int32, bool and string values', async () => {
    await initBackend({ type: 'wasm' });
    const ints = tf.clone(tf.tensor1d([7, -8], 'int32'));
    const bools = tf.clone(tf.tensor1d([1, 0, 1], 'bool'));
    const strings = tf.clone(tf.tensor1d(['a', 'bc']));
    expect(Array.from(ints.dataSync())).toEqual([7, -8]);
    expect(Array.from(bools.dataSync())).toEqual([1, 0, 1]);
    expect(strings.dataSync()).toEqual(['a', 'bc']);
    tf.dispose([ints, bools, strings]);
  });

  it('gives the same gradients as cpu when ops save clones of their tensors', async () => {
    const values = seededValues(4 * 6, 3);
    const make = () => {
      const x = tf.tensor2d(values, [4, 6]);
      const w = tf.tensor2d(values.slice(0, 18), [6, 3]);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.tanh(tf.matMul(tf.exp(tf.mul(a, 0.5)), b))));
      const [dx, dw] = tf.grads(loss)([x, w]);
      return [dx!, dw!];
    };
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    for (let i = 0; i < 2; i++) {
      const a = wasm.outputs[i]!.values;
      const b = cpu.outputs[i]!.values;
      a.forEach((v, k) => expect(v).toBeCloseTo(b[k]!, 5));
    }
  });
});
