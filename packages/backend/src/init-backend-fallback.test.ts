import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it, vi } from 'vitest';
import { formatBackendInfo, initBackend } from './index.js';

// Simulate a runtime where the threaded build cannot start (e.g. no worker_threads, a
// read-only temp dir, or a bundle without the wasm-out files).
vi.mock('./node-threaded-wasm.js', () => ({
  loadThreadedWasmModule: () => Promise.reject(new Error('worker_threads unavailable')),
}));

describe('initBackend when threads cannot start', () => {
  it('falls back to the single-thread SIMD build and says why, without throwing', async () => {
    const info = await initBackend({ threads: 2, xnnpackThreads: 2 });
    expect(info).toEqual({
      backend: 'wasm',
      simd: true,
      // The fused kernels' worker threads still start; XNNPACK's pool does not.
      threads: 2,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
      fusedKernels: true,
      fallbackReason:
        'threaded WASM failed to start (worker_threads unavailable); running single-threaded',
    });
    expect(getThreadsCount()).toBe(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 4])).dataSync()[5])).toBe(3);
    expect(formatBackendInfo(info)).toBe(
      'backend: wasm (SIMD on, 2 threads, fused RNN kernels, XNNPACK on 1) · tfjs 4.22.0 · fallback: threaded WASM failed to start (worker_threads unavailable); running single-threaded',
    );
    // Same request again: the recorded outcome, no second attempt.
    expect(await initBackend({ threads: 2, xnnpackThreads: 2 })).toEqual(info);
  });
});
