import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { splitRows } from '../fused/batch-split.js';
import { fusedRnnAvailable } from '../fused/fused-rnn-module.js';
import { kernelLanes, kernelThreadCount, runKernelJobs } from '../fused/kernel-threads.js';

/** Products below this many multiply-adds stay on XNNPACK (copying in and out costs more). */
const MIN_WORK = 1 << 21;

/**
 * `a @ b (+ bias)` on seqpipe's GEMM (`matmul` in csrc/fused_rnn.c: packed 8-column panels,
 * transposed operands transposed inside), for float32 products with batch 1 of at least
 * 2 M multiply-adds: a dense layer over a sequence and its gradients (the seq2seq model's
 * `[1280,256] x [256,70]`: XNNPACK plus tfjs' transposes took ~7 ms for the three products of
 * a step), split by rows of the result over the kernel threads. Undefined when the product does
 * not qualify: the caller runs XNNPACK.
 */
export function matMulOnFusedGemm(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias?: TensorInfo,
): TensorInfo | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !fusedRnnAvailable()) return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const batchDims = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  if (util.sizeFromShape(a.shape.slice(0, -2)) !== 1) return undefined;
  if (util.sizeFromShape(b.shape.slice(0, -2)) !== 1) return undefined;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [M, K] = transposeA ? [ac, ar] : [ar, ac];
  const [kB, N] = transposeB ? [bc, br] : [br, bc];
  if (K !== kB || M * N * K < MIN_WORK) return undefined;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.join() !== String(N))) {
    return undefined;
  }
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  // Row blocks of c, one per kernel thread (they share one copy of the operands).
  const blocks = splitRows(M, Math.min(kernelThreadCount(), Math.floor(M / 8)) || 1);
  const lanes = kernelLanes(blocks.length);
  const operands = {
    a: view(a),
    b: view(b),
    ...(bias === undefined ? {} : { bias: view(bias) }),
  };
  // The jobs copy the operands into the kernel module before tfjs allocates the output.
  const results = runKernelJobs(
    blocks.map(([r0, rows], i) => ({
      lane: lanes[i] ?? null,
      job: {
        write: operands,
        alloc: { c: rows * N, scratch: (transposeA ? rows * K : 0) + (transposeB ? K * N : 0) },
        call: {
          fn: 'matmul',
          args: [M, N, K, 'a', Number(transposeA), 'b', Number(transposeB)].concat([
            bias === undefined ? 0 : 'bias',
            'c',
            'scratch',
            r0,
            r0 + rows,
          ]),
        },
        read: [['c', 0, rows * N] as const],
      },
    })),
  );
  const out = backend.makeOutput([...batchDims, M, N], 'float32');
  const values = view(out);
  results.forEach((result, i) => values.set(result.outputs[0]!, blocks[i]![0] * N));
  return out;
}
