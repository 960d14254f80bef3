import { BatchMatMul, broadcast_util, util } from '@tensorflow/tfjs-core';
import type {
  BatchMatMulAttrs,
  BatchMatMulInputs,
  KernelConfig,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { matMulOnFusedGemm } from './gemm-mat-mul.js';
import { disposeInfo, reshapeInfo, runWasmKernel } from './run-wasm-kernel.js';
import { replacementKernel, stockWasmKernel } from './stock-wasm-kernels.js';

/** `x` with its last two dimensions swapped, materialized (a new buffer the caller owns). */
export function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runWasmKernel('Transpose', { x }, backend, { perm });
}

/**
 * `a @ b` (with optional transposes) routed to XNNPACK whenever possible. Stock tfjs wasm runs
 * XNNPACK only for untransposed operands with batch 1, and otherwise a naive triple loop that
 * is 5-17x slower; so transposed operands are transposed first, and when only `a` has a batch,
 * its batch is folded into the rows (`[B, M, K] @ [K, N]` as `[B*M, K] @ [K, N]`).
 */
export function matMulViaXnnpack(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const temps: TensorInfo[] = [];
  try {
    let a2 = a;
    let b2 = b;
    if (transposeA) temps.push((a2 = transposeLastTwo(backend, a)));
    if (transposeB) temps.push((b2 = transposeLastTwo(backend, b)));
    const stock = stockWasmKernel(BatchMatMul);
    const attrs = { transposeA: false, transposeB: false };
    const aBatchDims = a2.shape.slice(0, -2);
    const bBatchDims = b2.shape.slice(0, -2);
    const aBatch = util.sizeFromShape(aBatchDims);
    const bBatch = util.sizeFromShape(bBatchDims);
    if (aBatch > 1 && bBatch === 1) {
      const m = a2.shape[a2.shape.length - 2] as number;
      const k = a2.shape[a2.shape.length - 1] as number;
      const n = b2.shape[b2.shape.length - 1] as number;
      const kB = b2.shape[b2.shape.length - 2] as number;
      util.assert(
        k === kB,
        () =>
          `Error in matMul: inner shapes (${k}) and (${kB}) of [${a.shape}] and [${b.shape}] must match.`,
      );
      const aFlat = reshapeInfo(backend, a2, [aBatch * m, k]);
      temps.push(aFlat);
      const bFlat = reshapeInfo(backend, b2, [k, n]);
      temps.push(bFlat);
      const flat = runWasmKernel(BatchMatMul, { a: aFlat, b: bFlat }, backend, attrs, stock);
      temps.push(flat);
      const outBatch = broadcast_util.assertAndGetBroadcastShape(aBatchDims, bBatchDims);
      return reshapeInfo(backend, flat, [...outBatch, m, n]);
    }
    return runWasmKernel(BatchMatMul, { a: a2, b: b2 }, backend, attrs, stock);
  } finally {
    for (const t of temps) disposeInfo(backend, t);
  }
}

function batchMatMul(args: {
  inputs: BatchMatMulInputs;
  backend: BackendWasm;
  attrs: BatchMatMulAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    // Let the stock kernel raise its own message for unsupported dtypes.
    return runWasmKernel(
      BatchMatMul,
      { a, b },
      backend,
      { ...attrs },
      stockWasmKernel(BatchMatMul),
    );
  }
  return (
    matMulOnFusedGemm(backend, a, b, attrs.transposeA, attrs.transposeB) ??
    matMulViaXnnpack(backend, a, b, attrs.transposeA, attrs.transposeB)
  );
}

/** Replacement `BatchMatMul` for 'wasm' (keeps the stock setup, which binds the C function). */
export function batchMatMulConfig(): KernelConfig {
  return replacementKernel(BatchMatMul, batchMatMul);
}
