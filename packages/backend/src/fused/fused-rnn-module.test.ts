import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { fusedLstm } from './fused-lstm.js';
import {
  fusedKernelCalls,
  fusedRnnAvailable,
  fusedRnnModule,
  installFusedRnnWasm,
} from './fused-rnn-module.js';

const committedWasm = async (): Promise<Uint8Array<ArrayBuffer>> =>
  new Uint8Array(await readFile(new URL('../../csrc/fused_rnn.wasm', import.meta.url)));

describe('the fused kernel module', () => {
  it('counts kernel calls', async () => {
    await initBackend({ type: 'wasm', threads: 1 });
    const before = fusedKernelCalls();
    const x = tf.ones([2, 3, 4]) as tf.Tensor3D;
    const w = tf.fill([4, 8], 0.1) as tf.Tensor2D;
    const u = tf.fill([2, 8], 0.1) as tf.Tensor2D;
    const r = fusedLstm(x, w, u, null);
    tf.dispose([x, w, u, r.output, r.h, r.c]);
    const after = fusedKernelCalls();
    expect(after['lstm_forward']).toBe((before['lstm_forward'] ?? 0) + 1);
    expect(after['lstm_backward']).toBe(before['lstm_backward'] ?? 0);
    expect(fusedRnnAvailable()).toBe(true);
  });

  it('installs the committed binary, and refuses one that is not this build', async () => {
    const bytes = await committedWasm();
    await expect(installFusedRnnWasm(bytes)).resolves.toBeUndefined();
    await expect(installFusedRnnWasm(await WebAssembly.compile(bytes))).resolves.toBeUndefined();
    const other = bytes.slice();
    other[other.length - 1] = (other[other.length - 1] ?? 0) ^ 1;
    await expect(installFusedRnnWasm(other)).rejects.toThrow(
      /sha256 [0-9a-f]{64}, this @seqpipe\/backend was built with [0-9a-f]{64}: copy csrc\/fused_rnn.wasm/,
    );
    // An empty module (a compiled module cannot be hashed: its exports are checked instead).
    const empty = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await expect(installFusedRnnWasm(empty)).rejects.toThrow(
      /lacks lstm_forward, lstm_backward, .*project_tokens_backward, matmul: it is not this @seqpipe\/backend's csrc\/fused_rnn.wasm/,
    );
  });
});

describe('kernel memory limit', () => {
  it('a job larger than the kernel memory can grow to says so, and what to do', () => {
    const module = fusedRnnModule();
    const live = module.liveBytes();
    // 5 GB: more than a wasm32 memory holds (4 GB; the threaded build's, 2 GB).
    expect(() =>
      module.run({
        write: { small: new Float32Array(4) },
        alloc: { huge: 1.25 * 2 ** 30 },
        call: { fn: 'matmul', args: [] },
      }),
    ).toThrow(/the fused kernels' memory cannot hold 5120 MB more .*smaller batch/);
    expect(module.liveBytes()).toBe(live);
  });
});
