import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import { CHAINED_OP_NAMES, registerChainedOps } from './register-chained-ops.js';

type Chained = Record<string, (...args: unknown[]) => tf.Tensor>;

describe('registerChainedOps', () => {
  it('adds all 137 chained tensor methods of tfjs-core 4.22 once initBackend ran', async () => {
    await initBackend({ type: 'cpu' });
    expect(new Set(CHAINED_OP_NAMES).size).toBe(137);
    const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
    expect(CHAINED_OP_NAMES.filter((name) => typeof proto[name] !== 'function')).toEqual([]);
  });

  it('methods compute what the ops compute', async () => {
    await initBackend({ type: 'cpu' });
    tf.tidy(() => {
      const x = tf.tensor2d([
        [1, -2],
        [3, -4],
      ]) as unknown as tf.Tensor & Chained;
      expect(x.flatten!().arraySync()).toEqual([1, -2, 3, -4]);
      expect(x.abs!().arraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(x.matMul!(tf.eye(2), false, true).arraySync()).toEqual([
        [1, -2],
        [3, -4],
      ]);
      expect(x.sum!(1).arraySync()).toEqual([-1, -1]);
      expect(x.toInt!().dtype).toBe('int32');
      expect(x.concat!(tf.ones([1, 2]), 0).shape).toEqual([3, 2]);
      expect(x.stridedSlice!([0, 0], [2, 2], [1, 2]).arraySync()).toEqual([[1], [3]]);
    });
  });

  it('is idempotent and throws on disposed tensors like tfjs does', async () => {
    registerChainedOps();
    registerChainedOps();
    const x = tf.tensor1d([1, 2]) as unknown as tf.Tensor & Chained;
    x.dispose();
    expect(() => x.flatten!()).toThrow(/disposed/);
  });
});
