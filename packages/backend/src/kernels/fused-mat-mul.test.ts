import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers all of them.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { runOnBackend, seededValues, toleranceRatio } from '../test-support/run-on-backend.js';
import { fusedKernelCalls } from '../fused/fused-rnn-module.js';
import { kernelThreadStats } from '../fused/kernel-threads.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';

// float32, inputs in [-1, 1), inner dim <= 100: |wasm - cpu| <= 1e-5 + 1e-5 * |cpu|.
const ATOL = 1e-5;
const RTOL = 1e-5;

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  bias?: number[];
  activation: Activation;
}

const size = (shape: number[]): number => shape.reduce((x, y) => x * y, 1);

const cases: Case[] = [
  {
    name: 'Dense forward',
    a: [8, 70],
    b: [70, 12],
    transposeA: false,
    transposeB: false,
    bias: [12],
    activation: 'linear',
  },
  {
    name: 'rows > 1, b^T, K > 48',
    a: [8, 70],
    b: [12, 70],
    transposeA: false,
    transposeB: true,
    bias: [12],
    activation: 'linear',
  },
  {
    name: 'rows > 1, a^T',
    a: [70, 8],
    b: [70, 12],
    transposeA: true,
    transposeB: false,
    bias: [12],
    activation: 'relu',
  },
  {
    name: 'a^T b^T sigmoid',
    a: [70, 8],
    b: [12, 70],
    transposeA: true,
    transposeB: true,
    bias: [12],
    activation: 'sigmoid',
  },
  {
    name: 'b^T relu6',
    a: [5, 30],
    b: [7, 30],
    transposeA: false,
    transposeB: true,
    bias: [7],
    activation: 'relu6',
  },
  {
    name: 'b^T elu',
    a: [5, 30],
    b: [7, 30],
    transposeA: false,
    transposeB: true,
    bias: [7],
    activation: 'elu',
  },
  {
    name: 'b^T leakyrelu',
    a: [5, 30],
    b: [7, 30],
    transposeA: false,
    transposeB: true,
    bias: [7],
    activation: 'leakyrelu',
  },
  {
    name: 'b^T prelu',
    a: [5, 30],
    b: [7, 30],
    transposeA: false,
    transposeB: true,
    bias: [7],
    activation: 'prelu',
  },
  {
    name: 'no bias, b^T',
    a: [6, 50],
    b: [9, 50],
    transposeA: false,
    transposeB: true,
    activation: 'relu',
  },
  {
    name: 'batch 3, b^T',
    a: [3, 6, 50],
    b: [3, 9, 50],
    transposeA: false,
    transposeB: true,
    bias: [9],
    activation: 'linear',
  },
  {
    name: 'batch 3 a, shared b',
    a: [3, 6, 50],
    b: [50, 9],
    transposeA: false,
    transposeB: false,
    bias: [9],
    activation: 'sigmoid',
  },
  {
    name: 'bias [1, N] (broadcast)',
    a: [6, 20],
    b: [20, 9],
    transposeA: false,
    transposeB: false,
    bias: [1, 9],
    activation: 'linear',
  },
  {
    name: 'bias [M, N]',
    a: [6, 20],
    b: [9, 20],
    transposeA: false,
    transposeB: true,
    bias: [6, 9],
    activation: 'relu',
  },
  // At least 2 M multiply-adds: seqpipe's GEMM (kernels/gemm-mat-mul.ts) instead of XNNPACK.
  {
    name: 'large Dense forward (GEMM)',
    a: [300, 100],
    b: [100, 70],
    transposeA: false,
    transposeB: false,
    bias: [70],
    activation: 'linear',
  },
  {
    name: 'large a^T b^T relu (GEMM)',
    a: [100, 300],
    b: [70, 100],
    transposeA: true,
    transposeB: true,
    bias: [70],
    activation: 'relu',
  },
  {
    name: 'large, no bias, sigmoid (GEMM)',
    a: [300, 100],
    b: [100, 72],
    transposeA: false,
    transposeB: false,
    activation: 'sigmoid',
  },
];

function fusedCase(c: Case): () => tf.Tensor {
  return () => {
    const a = tf.tensor(seededValues(size(c.a), 21), c.a);
    const b = tf.tensor(seededValues(size(c.b), 22), c.b);
    const bias =
      c.bias === undefined ? undefined : tf.tensor(seededValues(size(c.bias), 23), c.bias);
    const n = c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
    const prelu = c.activation === 'prelu' ? tf.tensor1d(seededValues(n, 24)) : undefined;
    return tf.fused.matMul({
      a,
      b,
      transposeA: c.transposeA,
      transposeB: c.transposeB,
      ...(bias === undefined ? {} : { bias }),
      activation: c.activation,
      ...(prelu === undefined ? {} : { preluActivationWeights: prelu }),
      leakyreluAlpha: 0.3,
    });
  };
}

describe('_FusedMatMul on wasm matches cpu', () => {
  it("runs products of at least 2 M multiply-adds on seqpipe's GEMM", async () => {
    await initBackend({ type: 'wasm', threads: 1 });
    const large = cases.filter((c) => c.name.endsWith('(GEMM)'));
    const before = fusedKernelCalls()['matmul'] ?? 0;
    tf.tidy(() => large.forEach((c) => fusedCase(c)().dataSync()));
    tf.tidy(() => fusedCase(cases[0]!)().dataSync());
    expect(fusedKernelCalls()['matmul']).toBe(before + large.length);
  });

  it('splits those products by rows over 2 kernel threads, with the 1-thread values exactly', async () => {
    const large = cases.filter((c) => c.name.endsWith('(GEMM)'));
    const run = () => tf.tidy(() => large.map((c) => Array.from(fusedCase(c)().dataSync())));
    await initBackend({ type: 'wasm', threads: 1 });
    const one = run();
    await initBackend({ type: 'wasm', threads: 2 });
    const jobs = kernelThreadStats().workerJobs;
    const two = run();
    expect(kernelThreadStats().workerJobs - jobs).toBe(large.length);
    await initBackend({ type: 'wasm', threads: 1 });
    expect(two).toEqual(one);
  });

  it.each(cases)('$name', async (c) => {
    const cpu = await runOnBackend({ type: 'cpu' }, fusedCase(c));
    const wasm = await runOnBackend({ type: 'wasm' }, fusedCase(c));
    expect(wasm.outputs[0]!.shape).toEqual(cpu.outputs[0]!.shape);
    expect(
      toleranceRatio(wasm.outputs[0]!.values, cpu.outputs[0]!.values, ATOL, RTOL),
    ).toBeLessThanOrEqual(1);
  });

  it('gradients (a, b, bias) of a transposed fused matMul match cpu', async () => {
    const make = () => {
      const f = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.fused.matMul({
              a: a as tf.Tensor2D,
              b: b as tf.Tensor2D,
              transposeB: true,
              bias,
              activation: 'relu',
            }),
          ),
        );
      return tf.grads(f)([
        tf.tensor2d(seededValues(10 * 60, 31), [10, 60]),
        tf.tensor2d(seededValues(6 * 60, 32), [6, 60]),
        tf.tensor1d(seededValues(6, 33)),
      ]);
    };
    const cpu = await runOnBackend({ type: 'cpu' }, make);
    const wasm = await runOnBackend({ type: 'wasm' }, make);
    for (let i = 0; i < 3; i++) {
      expect(
        toleranceRatio(wasm.outputs[i]!.values, cpu.outputs[i]!.values, 1e-4, 1e-5),
      ).toBeLessThanOrEqual(1);
    }
  });

  it('the stock kernel is wrong on the transposed path with rows > 1 (why the fix exists)', async () => {
    const c = cases[1]!;
    const cpu = await runOnBackend({ type: 'cpu' }, fusedCase(c));
    await initBackend({ type: 'wasm' });
    const backend = tf.backend() as BackendWasm;
    const stock = stockWasmKernel('_FusedMatMul');
    const values = tf.tidy(() => {
      const a = tf.tensor3d(seededValues(size(c.a), 21), [1, ...c.a] as [number, number, number]);
      const b = tf.tensor3d(seededValues(size(c.b), 22), [1, ...c.b] as [number, number, number]);
      const bias = tf.tensor1d(seededValues(12, 23));
      const out = stock.kernelFunc({
        inputs: { a, b, bias },
        backend,
        attrs: { transposeA: false, transposeB: true, activation: 'linear', leakyreluAlpha: 0 },
      }) as tf.TensorInfo;
      const values = Array.from(backend.readSync(out.dataId) as Float32Array);
      backend.disposeData(out.dataId);
      return values;
    });
    expect(toleranceRatio(values, cpu.outputs[0]!.values, ATOL, RTOL)).toBeGreaterThan(1);
  });

  it('leaks no tensors or wasm buffers', async () => {
    await initBackend({ type: 'wasm' });
    const backend = tf.backend() as BackendWasm;
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = backend.numDataIds();
    for (const c of cases) tf.tidy(() => void fusedCase(c)().dataSync());
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(backend.numDataIds()).toBe(buffersBefore);
  });
});
