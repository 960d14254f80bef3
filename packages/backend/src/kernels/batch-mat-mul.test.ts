import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers all of them.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { runOnBackend, seededValues, toleranceRatio } from '../test-support/run-on-backend.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';

// float32, inputs in [-1, 1), inner dims <= 100: |wasm - cpu| <= 1e-5 + 1e-5 * |cpu|.
const ATOL = 1e-5;
const RTOL = 1e-5;

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const cases: Case[] = [
  { name: '2D plain', a: [7, 50], b: [50, 9], transposeA: false, transposeB: false },
  { name: '2D a^T', a: [50, 7], b: [50, 9], transposeA: true, transposeB: false },
  { name: '2D b^T', a: [7, 50], b: [9, 50], transposeA: false, transposeB: true },
  { name: '2D a^T b^T', a: [50, 7], b: [9, 50], transposeA: true, transposeB: true },
  {
    name: 'LSTM-like grad dy@W^T',
    a: [16, 128],
    b: [32, 128],
    transposeA: false,
    transposeB: true,
  },
  { name: 'LSTM-like grad x^T@dy', a: [16, 40], b: [16, 128], transposeA: true, transposeB: false },
  { name: '3D batched', a: [3, 5, 60], b: [3, 60, 4], transposeA: false, transposeB: false },
  { name: '3D batched b^T', a: [3, 5, 60], b: [3, 4, 60], transposeA: false, transposeB: true },
  { name: '3D batched a^T', a: [3, 60, 5], b: [3, 60, 4], transposeA: true, transposeB: false },
  { name: '3D a, 2D b (folded)', a: [4, 6, 33], b: [33, 10], transposeA: false, transposeB: false },
  {
    name: '3D a^T, 2D b^T (folded)',
    a: [4, 33, 6],
    b: [10, 33],
    transposeA: true,
    transposeB: true,
  },
  {
    name: '4D a, 3D b batch 1',
    a: [2, 3, 6, 20],
    b: [1, 20, 5],
    transposeA: false,
    transposeB: false,
  },
  {
    name: '2D a, 3D b (broadcast a)',
    a: [6, 20],
    b: [3, 20, 5],
    transposeA: false,
    transposeB: false,
  },
  // At least 2 M multiply-adds: seqpipe's GEMM (kernels/gemm-mat-mul.ts) instead of XNNPACK.
  { name: 'large (GEMM)', a: [256, 100], b: [100, 83], transposeA: false, transposeB: false },
  { name: 'large a^T (GEMM)', a: [100, 256], b: [100, 83], transposeA: true, transposeB: false },
  { name: 'large b^T (GEMM)', a: [256, 100], b: [83, 100], transposeA: false, transposeB: true },
  { name: 'large a^T b^T (GEMM)', a: [100, 257], b: [83, 100], transposeA: true, transposeB: true },
  {
    name: 'large 3D batch 1 (GEMM)',
    a: [1, 255, 100],
    b: [100, 90],
    transposeA: false,
    transposeB: false,
  },
];

describe('BatchMatMul on wasm matches cpu', () => {
  it.each(cases)('$name', async ({ a, b, transposeA, transposeB }) => {
    const av = seededValues(
      a.reduce((x, y) => x * y, 1),
      11,
    );
    const bv = seededValues(
      b.reduce((x, y) => x * y, 1),
      12,
    );
    const make = () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), transposeA, transposeB);
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    expect(wasm.outputs[0]?.shape).toEqual(cpu.outputs[0]?.shape);
    const ratio = toleranceRatio(wasm.outputs[0]!.values, cpu.outputs[0]!.values, ATOL, RTOL);
    expect(ratio).toBeLessThanOrEqual(1);
  });

  it('gradients of a transposed matMul match cpu', async () => {
    const av = seededValues(12 * 30, 3);
    const bv = seededValues(8 * 30, 4);
    const make = () => {
      const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.square(tf.matMul(x, y, false, true))),
      );
      return grads([tf.tensor2d(av, [12, 30]), tf.tensor2d(bv, [8, 30])]);
    };
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    for (let i = 0; i < 2; i++) {
      expect(
        toleranceRatio(wasm.outputs[i]!.values, cpu.outputs[i]!.values, 1e-4, 1e-5),
      ).toBeLessThanOrEqual(1);
    }
  });

  it('leaks no tensors or wasm buffers', async () => {
    await initBackend({ type: 'wasm' });
    const a = tf.tensor3d(seededValues(2 * 8 * 16, 5), [2, 8, 16]);
    const b = tf.tensor2d(seededValues(16 * 8, 6), [8, 16]);
    const backend = tf.backend() as BackendWasm;
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = backend.numDataIds();
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        tf.matMul(a, b, false, true).dataSync();
        tf.matMul(a, a, true, false).dataSync();
        tf.matMul(b, b, true, false).dataSync();
      });
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(backend.numDataIds()).toBe(buffersBefore);
    tf.dispose([a, b]);
  });

  it('hands XNNPACK (the stock kernel) untransposed operands only', async () => {
    // The stock kernel takes XNNPACK only without transposes; with one it runs a naive loop that
    // is 5-17x slower (measured in the backend README, not here: timings belong in benchmarks).
    await initBackend({ type: 'wasm', threads: 1 });
    const a = tf.tensor2d(seededValues(128 * 32, 7), [128, 32]);
    const b = tf.tensor2d(seededValues(128 * 32, 8), [128, 32]);
    const stock = stockWasmKernel('BatchMatMul');
    const original = stock.kernelFunc;
    const seen: Array<[unknown, unknown]> = [];
    stock.kernelFunc = (args) => {
      seen.push([args.attrs?.['transposeA'], args.attrs?.['transposeB']]);
      return original(args);
    };
    try {
      tf.tidy(() => {
        tf.matMul(a, b, false, true).dataSync();
        tf.matMul(a, b, true, false).dataSync();
      });
    } finally {
      stock.kernelFunc = original;
    }
    expect(seen).toEqual([
      [false, false],
      [false, false],
    ]);
    tf.dispose([a, b]);
  });
});
