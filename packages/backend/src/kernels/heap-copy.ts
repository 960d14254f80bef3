import type { backend_util } from '@tensorflow/tfjs-core';

type TypedArray = backend_util.TypedArray;

/**
 * `copy(from, count, to)`: copies `count` elements of `src` starting at `from` to `dst` at `to`
 * (element indices into each view). Both are views of the WASM heap: 4-byte elements move with
 * `copyWithin` on the heap itself, without a view object per block (narrower ones use views).
 */
export function heapBlockCopier(
  src: TypedArray,
  dst: TypedArray,
): (from: number, count: number, to: number) => void {
  const width = src.BYTES_PER_ELEMENT;
  if (width !== 4 || dst.buffer !== src.buffer) {
    return (from, count, to) => dst.set(src.subarray(from, from + count), to);
  }
  const heap = new Int32Array(src.buffer);
  const srcAt = src.byteOffset / width;
  const dstAt = dst.byteOffset / width;
  return (from, count, to) => heap.copyWithin(dstAt + to, srcAt + from, srcAt + from + count);
}
