import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers all of them.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { runOnBackend, seededValues, toleranceRatio } from '../test-support/run-on-backend.js';

// Sums of a few float32 values in [-1, 1): |wasm - cpu| <= 1e-6 + 1e-6 * |cpu|.
const ATOL = 1e-6;
const RTOL = 1e-6;

describe('UnsortedSegmentSum on wasm matches cpu', () => {
  it('sums rows with repeated ids, and leaves unused segments at 0', async () => {
    const make = () =>
      tf.unsortedSegmentSum(
        tf.tensor2d(seededValues(6 * 3, 1), [6, 3]),
        tf.tensor1d([4, 0, 4, 2, 4, 0], 'int32'),
        6,
      );
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs[0]!.shape).toEqual([6, 3]);
    expect(
      toleranceRatio(wasm.outputs[0]!.values, cpu.outputs[0]!.values, ATOL, RTOL),
    ).toBeLessThanOrEqual(1);
    expect(wasm.outputs[0]!.values.slice(3, 6)).toEqual([0, 0, 0]); // segment 1 unused
  });

  it('hand-checked values, int32 data, and out-of-range ids dropped', async () => {
    const make = () => [
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5]), tf.tensor1d([1, 1, 0, 1, 0], 'int32'), 3),
      tf.unsortedSegmentSum(
        tf.tensor1d([1, 2, 3, 4], 'int32'),
        tf.tensor1d([0, 2, 0, 2], 'int32'),
        3,
      ),
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, 1, 5], 'int32'), 2),
    ];
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    expect(wasm.outputs.map((o) => o.values)).toEqual([
      [8, 7, 0],
      [4, 0, 6],
      [0, 2],
    ]);
    expect(cpu.outputs.map((o) => o.values)).toEqual(wasm.outputs.map((o) => o.values));
  });

  it('2D ids over 3D data equal 1D ids over the flattened leading dims', async () => {
    // The cpu kernel only takes 1D ids; TF semantics let ids index all leading dims.
    const x = seededValues(2 * 4 * 5, 2);
    const ids = [3, 1, 3, 0, 1, 1, 2, 3];
    const cpu = await runOnBackend({ type: 'cpu' }, () =>
      tf.unsortedSegmentSum(tf.tensor2d(x, [8, 5]), tf.tensor1d(ids, 'int32'), 4),
    );
    const wasm = await runOnBackend({ type: 'wasm' }, () =>
      tf.unsortedSegmentSum(
        tf.tensor3d(x, [2, 4, 5]),
        tf.tensor2d(ids, [2, 4], 'int32') as unknown as tf.Tensor1D,
        4,
      ),
    );
    expect(wasm.outputs[0]!.shape).toEqual([4, 5]);
    expect(
      toleranceRatio(wasm.outputs[0]!.values, cpu.outputs[0]!.values, ATOL, RTOL),
    ).toBeLessThanOrEqual(1);
  });

  it('the embedding-lookup gradient (tf.grad through tf.gather) matches cpu', async () => {
    const vocab = 50;
    const dims = 8;
    const ids = [3, 7, 3, 3, 0, 49, 7, 12, 3, 0, 21, 21];
    const weights = seededValues(vocab * dims, 3);
    const upstream = seededValues(ids.length * dims, 4);
    const make = () => {
      const lookup = (table: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.gather(table, tf.tensor2d(ids, [3, 4], 'int32')),
            tf.tensor3d(upstream, [3, 4, dims]),
          ),
        );
      return tf.grad(lookup)(tf.tensor2d(weights, [vocab, dims]));
    };
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs[0]!.shape).toEqual([vocab, dims]);
    expect(
      toleranceRatio(wasm.outputs[0]!.values, cpu.outputs[0]!.values, ATOL, RTOL),
    ).toBeLessThanOrEqual(1);
    // Row 3 is looked up four times: its gradient is the sum of four upstream rows.
    const row3 = [0, 2, 3, 8].map((p) => upstream.slice(p * dims, (p + 1) * dims));
    const expected = row3.reduce(
      (acc, r) => acc.map((v, i) => v + (r[i] as number)),
      new Array<number>(dims).fill(0),
    );
    expect(
      toleranceRatio(wasm.outputs[0]!.values.slice(3 * dims, 4 * dims), expected, 1e-6, 1e-6),
    ).toBeLessThanOrEqual(1);
  });

  it('runs at vocab 10000 x 32 dims and leaks nothing', async () => {
    await initBackend({ type: 'wasm' });
    const backend = tf.backend() as BackendWasm;
    const numIds = 128 * 250; // one IMDB-shaped batch of token ids
    const data = tf.tensor2d(seededValues(numIds * 32, 5), [numIds, 32]);
    const ids = tf.tensor1d(
      seededValues(numIds, 6).map((v) => Math.floor((v + 1) * 5000)),
      'int32',
    );
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = backend.numDataIds();
    tf.tidy(() => void tf.unsortedSegmentSum(data, ids, 10000).dataSync());
    // (Its speed is measured by the README's ad-hoc table and `npm run bench`, not here.)
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => void tf.unsortedSegmentSum(data, ids, 10000).dataSync());
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(backend.numDataIds()).toBe(buffersBefore);
    tf.dispose([data, ids]);
  });
});
