import { _FusedMatMul, util } from '@tensorflow/tfjs-core';
import type {
  _FusedMatMulAttrs,
  _FusedMatMulInputs,
  KernelConfig,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { matMulViaXnnpack, transposeLastTwo } from './batch-mat-mul.js';
import { matMulOnFusedGemm } from './gemm-mat-mul.js';
import { disposeInfo, runWasmKernel } from './run-wasm-kernel.js';
import { replacementKernel, stockWasmKernel } from './stock-wasm-kernels.js';

/** Applies a fused activation with the wasm element-wise kernels; consumes `x`. */
function applyActivation(
  backend: BackendWasm,
  x: TensorInfo,
  activation: string,
  preluWeights: TensorInfo | undefined,
  leakyreluAlpha: number | undefined,
): TensorInfo {
  let y: TensorInfo;
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      y = runWasmKernel('Relu', { x }, backend);
      break;
    case 'relu6':
      y = runWasmKernel('Relu6', { x }, backend);
      break;
    case 'elu':
      y = runWasmKernel('Elu', { x }, backend);
      break;
    case 'sigmoid':
      y = runWasmKernel('Sigmoid', { x }, backend);
      break;
    case 'leakyrelu':
      y = runWasmKernel('LeakyRelu', { x }, backend, { alpha: leakyreluAlpha ?? 0.2 });
      break;
    case 'prelu':
      if (preluWeights === undefined)
        throw new Error('_FusedMatMul: prelu needs preluActivationWeights.');
      y = runWasmKernel('Prelu', { x, alpha: preluWeights }, backend);
      break;
    default:
      disposeInfo(backend, x);
      throw new Error(`_FusedMatMul: activation '${activation}' is not supported on wasm.`);
  }
  disposeInfo(backend, x);
  return y;
}

/**
 * `_FusedMatMul` (`activation(a @ b + bias)`, what tfjs-layers' Dense runs) for 'wasm'.
 * Stock wasm adds the bias wrongly on its slow path (transposed operands or batch > 1): the
 * bias index runs over the whole output row-major (`min(i * N + j, size - 1)`) instead of the
 * column, and is added again for every 48-wide block of the inner dimension. Here transposed
 * operands are transposed first, so a batch-1 product always takes XNNPACK (which applies bias
 * and activation correctly); batched products are multiplied by {@link matMulViaXnnpack} and get
 * bias and activation from the element-wise kernels.
 */
function fusedMatMul(args: {
  inputs: _FusedMatMulInputs;
  backend: BackendWasm;
  attrs: _FusedMatMulAttrs;
}): TensorInfo {
  const { backend, attrs } = args;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const bias = (args.inputs.bias ?? undefined) as TensorInfo | undefined;
  const prelu = (args.inputs.preluActivationWeights ?? undefined) as TensorInfo | undefined;
  const { transposeA, transposeB, activation } = attrs;
  const leakyreluAlpha = attrs.leakyreluAlpha ?? undefined;
  const stock = stockWasmKernel(_FusedMatMul);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runWasmKernel(_FusedMatMul, { ...args.inputs }, backend, { ...attrs }, stock);
  }

  if (prelu === undefined) {
    const product = matMulOnFusedGemm(backend, a, b, transposeA, transposeB, bias);
    if (product !== undefined) {
      return applyActivation(backend, product, activation, prelu, leakyreluAlpha);
    }
  }

  const n = (transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1]) as number;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const biasFitsXnnpack = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === n);

  if (batchA === 1 && batchB === 1 && biasFitsXnnpack) {
    const temps: TensorInfo[] = [];
    try {
      let a2 = a;
      let b2 = b;
      if (transposeA) temps.push((a2 = transposeLastTwo(backend, a)));
      if (transposeB) temps.push((b2 = transposeLastTwo(backend, b)));
      const inputs: Record<string, TensorInfo> = { a: a2, b: b2 };
      if (bias !== undefined) inputs['bias'] = bias;
      if (prelu !== undefined) inputs['preluActivationWeights'] = prelu;
      const fastAttrs = { ...attrs, transposeA: false, transposeB: false };
      return runWasmKernel(_FusedMatMul, inputs, backend, fastAttrs, stock);
    } finally {
      for (const t of temps) disposeInfo(backend, t);
    }
  }

  let out = matMulViaXnnpack(backend, a, b, transposeA, transposeB);
  if (bias !== undefined) {
    const withBias = runWasmKernel('Add', { a: out, b: bias }, backend);
    disposeInfo(backend, out);
    out = withBias;
  }
  return applyActivation(backend, out, activation, prelu, leakyreluAlpha);
}

/** Replacement `_FusedMatMul` for 'wasm' (keeps the stock setup, which binds the C function). */
export function fusedMatMulConfig(): KernelConfig {
  return replacementKernel(_FusedMatMul, fusedMatMul);
}
