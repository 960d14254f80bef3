import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { isSeqpipeError } from '@seqpipe/errors';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { backendMatrix, formatBackendInfo, initBackend, type BackendInfo } from './index.js';
import { kernelThreadCount } from './fused/kernel-threads.js';
import { maxAbsDiff, seededValues } from './test-support/run-on-backend.js';

const AUTO_THREADS = Math.min(2, availableParallelism());

async function expectSeqpipeError(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSeqpipeError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}

/** `[m, k] @ [k, n]` computed in float64 JavaScript, for checking big products. */
function referenceMatMul(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p] as number;
      for (let j = 0; j < n; j++)
        out[i * n + j] = (out[i * n + j] as number) + aip * (b[p * n + j] as number);
    }
  }
  return out;
}

describe('initBackend', () => {
  it('defaults to wasm with SIMD, the fused kernels on the threads (Node.js), and formats the info', async () => {
    const info = await initBackend();
    expect(info).toEqual<BackendInfo>({
      backend: 'wasm',
      simd: true,
      threads: AUTO_THREADS,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
      fusedKernels: true,
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(1);
    expect(kernelThreadCount()).toBe(AUTO_THREADS);
    expect(formatBackendInfo(info)).toBe(
      AUTO_THREADS === 1
        ? 'backend: wasm (SIMD on, 1 thread, fused RNN kernels) · tfjs 4.22.0'
        : `backend: wasm (SIMD on, ${AUTO_THREADS} threads, fused RNN kernels, XNNPACK on 1) · tfjs 4.22.0`,
    );
  });

  it('adds no process-wide uncaughtException / unhandledRejection handlers', async () => {
    expect(
      process.listeners('unhandledRejection').some((l) => String(l).includes('throw reason')),
    ).toBe(false);
    expect(
      process.listeners('uncaughtException').some((l) => String(l).includes('ExitStatus')),
    ).toBe(false);
  });

  it('computes a large matMul correctly on 2 XNNPACK threads', async () => {
    const info = await initBackend({ threads: 2, xnnpackThreads: 2 });
    expect(info.threads).toBe(2);
    expect(info.xnnpackThreads).toBe(2);
    expect(getThreadsCount()).toBe(2);
    expect(info.fallbackReason).toBeUndefined();
    const [m, k, n] = [192, 256, 160];
    const a = seededValues(m * k, 1);
    const b = seededValues(k * n, 2);
    const got = tf.tidy(() =>
      Array.from(tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])).dataSync()),
    );
    expect(maxAbsDiff(got, referenceMatMul(a, b, m, k, n))).toBeLessThan(1e-4);
  });

  it('repeats cheaply with the same options (auto and its resolved count are the same)', async () => {
    const first = await initBackend({ type: 'wasm', threads: 'auto', simd: true });
    const backend = tf.backend();
    const kept = tf.tensor1d([1, 2, 3]);
    const again = await initBackend({ threads: AUTO_THREADS });
    expect(again).toEqual(first);
    // Nothing was re-created: the same backend instance, and its tensors still there.
    expect(tf.backend()).toBe(backend);
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3]);
    kept.dispose();
  });

  it('switches between cpu and wasm, keeping tensors usable on both', async () => {
    const wasmInfo = await initBackend();
    const x = tf.tensor1d([1, 2, 3]);
    const cpuInfo = await initBackend({ type: 'cpu' });
    expect(cpuInfo).toEqual({
      backend: 'cpu',
      simd: false,
      threads: 1,
      xnnpackThreads: 0,
      tfjsVersion: '4.22.0',
      fusedKernels: false,
    });
    expect(formatBackendInfo(cpuInfo)).toBe('backend: cpu · tfjs 4.22.0');
    expect(tf.getBackend()).toBe('cpu');
    const y = tf.mul(x, 2);
    expect(await initBackend()).toEqual(wasmInfo);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => Array.from(tf.add(x, y).dataSync()))).toEqual([3, 6, 9]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('re-creates wasm with another configuration only when it holds no tensors', async () => {
    await initBackend({ threads: 2, xnnpackThreads: 2 });
    const held = tf.tensor1d([1]);
    const error = await expectSeqpipeError(
      initBackend({ threads: 1 }),
      'SEQPIPE_BACKEND_UNAVAILABLE',
    );
    expect(error.message).toMatch(/holds \d+ tensor/);
    expect(tf.getBackend()).toBe('wasm'); // still the old, working backend
    expect(held.dataSync()[0]).toBe(1);
    held.dispose();

    const single = await initBackend({ threads: 1 });
    expect(single).toEqual({
      backend: 'wasm',
      simd: true,
      threads: 1,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
      fusedKernels: true,
    });
    expect(getThreadsCount()).toBe(1);
    const noSimd = await initBackend({ threads: 1, simd: false });
    expect(noSimd).toEqual({
      backend: 'wasm',
      simd: false,
      threads: 1,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
      fusedKernels: true,
    });
    expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync()[0])).toBe(3);

    const fallback = await initBackend({ threads: 1, xnnpackThreads: 2, simd: false });
    expect(fallback.threads).toBe(1);
    expect(fallback.xnnpackThreads).toBe(1);
    expect(fallback.fallbackReason).toMatch(/needs SIMD/);
    expect(formatBackendInfo(fallback)).toMatch(
      /^backend: wasm \(SIMD off, 1 thread, fused RNN kernels\) · tfjs 4\.22\.0 · fallback: /,
    );

    const back = await initBackend({ threads: 2, xnnpackThreads: 2 });
    expect(back.threads).toBe(2);
    expect(getThreadsCount()).toBe(2);
  });

  it('rejects invalid options with SEQPIPE_USAGE and every issue', async () => {
    const bad = {
      type: 'gpu',
      threads: 0,
      xnnpackThreads: 'many',
      simd: 'yes',
      thread: 2,
    } as unknown as Parameters<typeof initBackend>[0];
    const error = await expectSeqpipeError(initBackend(bad), 'SEQPIPE_USAGE');
    const issues = (error as unknown as { issues: Array<{ path: string }> }).issues;
    expect(issues.map((i) => i.path).sort()).toEqual([
      '/simd',
      '/thread',
      '/threads',
      '/type',
      '/xnnpackThreads',
    ]);
    expect(error.message).toContain(
      '/type: unknown backend type; expected "wasm" or "cpu"; received "gpu"',
    );
    await expectSeqpipeError(initBackend({ threads: 1.5 }), 'SEQPIPE_USAGE');
    // A rejected call does not poison later ones.
    expect((await initBackend({ type: 'cpu' })).backend).toBe('cpu');
  });
});

describe('backendMatrix', () => {
  it('lists the cpu reference first, then wasm, and each initializes', async () => {
    expect(backendMatrix()).toEqual([{ type: 'cpu' }, { type: 'wasm' }]);
    for (const options of backendMatrix()) {
      expect((await initBackend(options)).backend).toBe(options.type);
    }
  });
});

describe('formatBackendInfo', () => {
  it('renders thread counts, fused kernels and fallbacks', () => {
    const wasm = {
      backend: 'wasm',
      simd: true,
      threads: 1,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
    } as const;
    expect(formatBackendInfo({ ...wasm, fusedKernels: true })).toBe(
      'backend: wasm (SIMD on, 1 thread, fused RNN kernels) · tfjs 4.22.0',
    );
    expect(formatBackendInfo({ ...wasm, threads: 2, fusedKernels: true })).toBe(
      'backend: wasm (SIMD on, 2 threads, fused RNN kernels, XNNPACK on 1) · tfjs 4.22.0',
    );
    expect(
      formatBackendInfo({
        ...wasm,
        threads: 2,
        xnnpackThreads: 2,
        fusedKernels: false,
        fallbackReason: 'no workers',
      }),
    ).toBe('backend: wasm (SIMD on, 2 threads) · tfjs 4.22.0 · fallback: no workers');
    expect(
      formatBackendInfo({
        ...wasm,
        backend: 'cpu',
        simd: false,
        xnnpackThreads: 0,
        fusedKernels: false,
      }),
    ).toBe('backend: cpu · tfjs 4.22.0');
  });
});
