import { backend_util } from '@tensorflow/tfjs-core';
import type { BinaryInputs, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replacementKernel } from './stock-wasm-kernels.js';

/**
 * Binary element-wise kernels that stock wasm runs slowly, for the wasm backend: the comparisons
 * (`Equal`, `NotEqual`, `Greater`, `GreaterEqual`, `Less`, `LessEqual`), `Maximum` / `Minimum`
 * and `Pow`. Stock wasm computes every element of a broadcasting comparison through a generic
 * index mapping: `tf.equal([64,300,32], [64,1,32])` — the gradient of `globalMaxPooling1d` on a
 * spam-lstm batch — took ~45 ms (~2.5-7 ms without broadcasting); its `Pow` takes ~165 ns per
 * element even without broadcasting (`tf.norm`, used by gradient clipping: ~40 ms for a
 * 256 x 1024 weight). These loop over the output with the innermost dimension's strides in
 * hand: ~1-2 ms. Values as on cpu (`Maximum`/`Minimum` propagate NaN, `Pow` is `Math.pow`).
 */
const OPS = {
  Equal: 0,
  NotEqual: 1,
  Greater: 2,
  GreaterEqual: 3,
  Less: 4,
  LessEqual: 5,
  Maximum: 6,
  Minimum: 7,
  Pow: 8,
} as const;

type OpName = keyof typeof OPS;

/** The replacement kernels, one per op. */
export function broadcastBinaryConfigs(): KernelConfig[] {
  return (Object.keys(OPS) as OpName[]).map((name) => {
    const op = OPS[name];
    const kernelFunc = (args: { inputs: BinaryInputs; backend: BackendWasm }): TensorInfo => {
      const { backend } = args;
      const a = args.inputs.a as TensorInfo;
      const b = args.inputs.b as TensorInfo;
      const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      // Allocate first: allocation may grow the heap, and views must be taken after that.
      const out = backend.makeOutput(shape, op >= OPS.Maximum ? a.dtype : 'bool');
      const av = backend.typedArrayFromHeap(a);
      const bv = backend.typedArrayFromHeap(b);
      const ov = backend.typedArrayFromHeap(out);
      broadcastLoop(op, shape, a.shape, b.shape, av, bv, ov);
      return out;
    };
    return replacementKernel(name, kernelFunc);
  });
}

type Values = backend_util.TypedArray;

/** Element strides of `shape` aligned to the last `rank` output dimensions; 0 where broadcast. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const dim = shape[d]!;
    strides[rank - shape.length + d] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  return strides;
}

function broadcastLoop(
  op: number,
  shape: readonly number[],
  aShape: readonly number[],
  bShape: readonly number[],
  a: Values,
  b: Values,
  out: Values,
): void {
  const rank = shape.length;
  // No broadcasting, or a scalar on one side: one run over everything.
  const same = aShape.length === bShape.length && aShape.every((d, i) => d === bShape[i]);
  if (rank === 0 || same || a.length === 1 || b.length === 1) {
    apply(op, a, 0, a.length === 1 ? 0 : 1, b, 0, b.length === 1 ? 0 : 1, out, 0, out.length);
    return;
  }
  const as = broadcastStrides(aShape, shape);
  const bs = broadcastStrides(bShape, shape);
  const inner = shape[rank - 1]!;
  const outerCount = inner === 0 ? 0 : out.length / inner;
  const index = new Array<number>(rank - 1).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; o < outerCount; o++) {
    apply(op, a, ai, as[rank - 1]!, b, bi, bs[rank - 1]!, out, o * inner, inner);
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      ai += as[d]!;
      bi += bs[d]!;
      if (++index[d]! < shape[d]!) break;
      ai -= as[d]! * shape[d]!;
      bi -= bs[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}

/** `n` outputs from `a` at `ai` (step `sa`) and `b` at `bi` (step `sb`), into `out` at `oi`. */
function apply(
  op: number,
  a: Values,
  ai: number,
  sa: number,
  b: Values,
  bi: number,
  sb: number,
  out: Values,
  oi: number,
  n: number,
): void {
  // One loop per op keeps each loop monomorphic (a shared comparator call would not inline);
  // `+(x > y)` compiles without a branch (a `? 1 : 0` mispredicts on random data: 4x slower).
  switch (op) {
    case OPS.Equal:
      for (let i = 0; i < n; i++) out[oi + i] = +(a[ai + i * sa]! === b[bi + i * sb]!);
      return;
    case OPS.NotEqual:
      for (let i = 0; i < n; i++) out[oi + i] = +(a[ai + i * sa]! !== b[bi + i * sb]!);
      return;
    case OPS.Greater:
      for (let i = 0; i < n; i++) out[oi + i] = +(a[ai + i * sa]! > b[bi + i * sb]!);
      return;
    case OPS.GreaterEqual:
      for (let i = 0; i < n; i++) out[oi + i] = +(a[ai + i * sa]! >= b[bi + i * sb]!);
      return;
    case OPS.Less:
      for (let i = 0; i < n; i++) out[oi + i] = +(a[ai + i * sa]! < b[bi + i * sb]!);
      return;
    case OPS.LessEqual:
      for (let i = 0; i < n; i++) out[oi + i] = +(a[ai + i * sa]! <= b[bi + i * sb]!);
      return;
    case OPS.Maximum:
      for (let i = 0; i < n; i++) out[oi + i] = Math.max(a[ai + i * sa]!, b[bi + i * sb]!);
      return;
    case OPS.Minimum:
      for (let i = 0; i < n; i++) out[oi + i] = Math.min(a[ai + i * sa]!, b[bi + i * sb]!);
      return;
    default:
      for (let i = 0; i < n; i++) out[oi + i] = Math.pow(a[ai + i * sa]!, b[bi + i * sb]!);
  }
}
