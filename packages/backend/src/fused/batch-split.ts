import { kernelThreadCount } from './kernel-threads.js';

/** Rows per slice at least (the kernels' register tiles are 4 rows). */
const MIN_ROWS = 4;
/** Work below this (multiply-adds of the input and recurrent products) stays on one thread. */
const MIN_WORK = 2_000_000;

/**
 * How many slices of its batch a fused call runs as, one per kernel thread: 1 for small calls,
 * where handing work to a worker costs more than it saves.
 */
export function sliceCount(
  B: number,
  T: number,
  inputDim: number,
  units: number,
  gates: number,
): number {
  const threads = kernelThreadCount();
  if (threads === 1 || B * T * gates * units * (inputDim + units) < MIN_WORK) return 1;
  return Math.max(1, Math.min(threads, Math.floor(B / MIN_ROWS)));
}

/** Splits rows `[0, B)` into `parts` contiguous `[start, count]` slices, as even as possible. */
export function splitRows(B: number, parts: number): Array<[number, number]> {
  const slices: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const count = Math.floor(B / parts) + (i < B % parts ? 1 : 0);
    slices.push([start, count]);
    start += count;
  }
  return slices;
}

/** Adds `parts` element-wise (weight gradients of the slices); one part is returned as is. */
export function sumArrays(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts[0]?.length ?? 0);
  for (const part of parts) for (let i = 0; i < out.length; i++) out[i] = out[i]! + part[i]!;
  return out;
}

/** Concatenates the slices' row blocks back into one batch; one part is returned as is. */
export function concatArrays(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
