import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type {
  KernelConfig,
  KernelFunc,
  TensorInfo,
  UnsortedSegmentSumAttrs,
  UnsortedSegmentSumInputs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `UnsortedSegmentSum` for the wasm backend, which has none (tfjs issue 8082); the Embedding
 * gradient (`tf.gather`'s gradient) needs it. A direct scatter-add over the operands in the
 * WASM heap: `out[segmentIds[i], ...] += x[i, ...]`, one pass over `x`. Ids outside
 * `[0, numSegments)` are dropped, as on the cpu backend.
 */
export function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { backend } = args;
  const x = args.inputs.x as TensorInfo;
  const segmentIds = args.inputs.segmentIds as TensorInfo;
  const { numSegments } = args.attrs;
  const idsRank = segmentIds.shape.length;
  util.assert(
    util.arraysEqual(segmentIds.shape, x.shape.slice(0, idsRank)),
    () =>
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}].`,
  );
  const rowShape = x.shape.slice(idsRank);
  const rowSize = util.sizeFromShape(rowShape);
  const numIds = util.sizeFromShape(segmentIds.shape);

  // Allocate first: allocation may grow the heap, and views must be taken after that.
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const outValues = backend.typedArrayFromHeap(out);
  const xValues = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  outValues.fill(0);
  if (outValues instanceof Float32Array && xValues instanceof Float32Array) {
    addRowsF32(outValues, xValues, ids, numIds, rowSize, numSegments);
  } else {
    for (let i = 0; i < numIds; i++) {
      const segment = ids[i] as number;
      if (segment < 0 || segment >= numSegments) continue;
      const src = i * rowSize;
      const dst = segment * rowSize;
      for (let j = 0; j < rowSize; j++) {
        outValues[dst + j] = (outValues[dst + j] as number) + (xValues[src + j] as number);
      }
    }
  }
  return out;
}

/**
 * The float32 scatter-add on monomorphic arrays (the Embedding gradient: 32,000 rows of 32 per
 * IMDB batch), 4 columns per iteration.
 */
function addRowsF32(
  out: Float32Array,
  x: Float32Array,
  ids: ArrayLike<number>,
  numIds: number,
  rowSize: number,
  numSegments: number,
): void {
  const r4 = rowSize - (rowSize % 4);
  for (let i = 0; i < numIds; i++) {
    const segment = ids[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    let s = i * rowSize;
    let d = segment * rowSize;
    const end4 = d + r4;
    const end = d + rowSize;
    for (; d < end4; d += 4, s += 4) {
      out[d] = out[d]! + x[s]!;
      out[d + 1] = out[d + 1]! + x[s + 1]!;
      out[d + 2] = out[d + 2]! + x[s + 2]!;
      out[d + 3] = out[d + 3]! + x[s + 3]!;
    }
    for (; d < end; d++, s++) out[d] = out[d]! + x[s]!;
  }
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
