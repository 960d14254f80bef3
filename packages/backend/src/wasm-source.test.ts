import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './index.js';

const require = createRequire(import.meta.url);
const wasmOut = dirname(
  require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js'),
);

async function binary(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(wasmOut, name)));
}

/** A small product whose result is known exactly. */
function product(): number[] {
  return tf.tidy(() =>
    Array.from(
      tf
        .matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]))
        .dataSync(),
    ),
  );
}

describe('initBackend with a WASM binary the caller holds', () => {
  it('runs on bytes (bundles) and on a compiled module (workerd), single-threaded', async () => {
    const bytes = await binary('tfjs-backend-wasm-simd.wasm');
    const fromBytes = await initBackend({
      threads: 1,
      xnnpackThreads: 2,
      wasm: { bytes, simd: true },
    });
    expect(fromBytes).toEqual({
      backend: 'wasm',
      simd: true,
      threads: 1,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
      fusedKernels: true,
      fallbackReason: 'a WASM module or bytes given in `wasm` run the single-thread build',
    });
    expect(product()).toEqual([4, 5, 10, 11]);

    const module = await WebAssembly.compile(
      (await binary('tfjs-backend-wasm.wasm')) as Uint8Array<ArrayBuffer>,
    );
    const before = tf.memory().numTensors;
    const fromModule = await initBackend({
      threads: 1,
      simd: false,
      wasm: { module, simd: false },
    });
    expect(fromModule).toEqual({
      backend: 'wasm',
      simd: false,
      threads: 1,
      xnnpackThreads: 1,
      tfjsVersion: '4.22.0',
      fusedKernels: true,
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(product()).toEqual([4, 5, 10, 11]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a source that is neither a URL, a module nor bytes', async () => {
    await expect(
      initBackend({ wasm: { bytes: [1, 2, 3], simd: true } as never }),
    ).rejects.toMatchObject({ code: 'SEQPIPE_USAGE', issues: [{ path: '/wasm' }] });
  });
});
