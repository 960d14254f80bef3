import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients tf.grad needs in Node
import { describe, expect, it } from 'vitest';
import { runOnBackend, seededValues } from '../test-support/run-on-backend.js';

type Op = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';

describe('comparisons, Maximum/Minimum and Pow on wasm match cpu', () => {
  // Values from a small set, so equal pairs occur; shapes that broadcast every way.
  const x = seededValues(2 * 3 * 4, 1).map((v) => Math.round(v * 2) / 2);
  const y = seededValues(2 * 3 * 4, 2).map((v) => Math.round(v * 2) / 2);
  const pairs = (): Array<[tf.Tensor, tf.Tensor]> => [
    [tf.tensor3d(x, [2, 3, 4]), tf.tensor3d(y, [2, 3, 4])],
    [tf.tensor3d(x, [2, 3, 4]), tf.max(tf.tensor3d(x, [2, 3, 4]), 1, true)], // max pooling's gradient
    [tf.tensor3d(x, [2, 3, 4]), tf.tensor1d(y.slice(0, 4))],
    [tf.tensor2d(x.slice(0, 3), [3, 1]), tf.tensor2d(y.slice(0, 4), [1, 4])],
    [tf.scalar(0.5), tf.tensor3d(y, [2, 3, 4])],
    [tf.tensor3d(x, [2, 3, 4]), tf.scalar(0)],
    [tf.tensor2d([1, 5, 3, 7], [2, 2], 'int32'), tf.tensor1d([3, 5], 'int32')],
    [tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([1, 1, 0], 'bool')],
    [tf.tensor1d([Number.NaN, 1]), tf.tensor1d([Number.NaN, Number.NaN])],
    [tf.zeros([2, 0, 3]), tf.zeros([1, 1, 3])],
  ];

  it.each<Op>(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'])(
    '%s',
    async (op) => {
      const make = () => pairs().map(([a, b]) => tf.cast(tf[op](a, b), 'int32'));
      const cpu = await runOnBackend({ type: 'cpu' }, make);
      const wasm = await runOnBackend({ type: 'wasm' }, make);
      expect(wasm.outputs).toEqual(cpu.outputs);
    },
  );

  it.each(['maximum', 'minimum'] as const)('%s', async (op) => {
    // bool has no Maximum/Minimum.
    const make = () =>
      pairs()
        .filter(([a]) => a.dtype !== 'bool')
        .map(([a, b]) => tf[op](a, b));
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs).toEqual(cpu.outputs);
  });

  it('pow', async () => {
    // Exponents of both signs, fractional ones (NaN for negative bases), int32 powers.
    const make = () => [
      tf.pow(tf.tensor3d(x, [2, 3, 4]), tf.scalar(2)),
      tf.pow(tf.abs(tf.tensor3d(x, [2, 3, 4])), tf.tensor1d([0.5, -1, 3, 0])),
      tf.pow(tf.tensor3d(x, [2, 3, 4]), tf.tensor3d(y, [2, 3, 4])),
      tf.pow(tf.tensor1d([2, 3, -2], 'int32'), tf.tensor1d([3, 2, 3], 'int32')),
      tf.norm(tf.tensor3d(x, [2, 3, 4])),
    ];
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs).toEqual(cpu.outputs);
  });

  it('gives max pooling the gradient cpu gives', async () => {
    const make = () => {
      const input = tf.tensor3d(x, [2, 3, 4]);
      return [
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.max(t, 1), tf.reshape(tf.range(1, 9), [2, 4]))))(
          input,
        ),
      ];
    };
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs).toEqual(cpu.outputs);
  });
});
