import * as tf from '@tensorflow/tfjs-core';
import { kernelThreadCount } from './kernel-threads.js';
import type { FusedInput } from './fused-input.js';

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

/**
 * The element-wise sum of `parts` (weight gradients of the slices, in slice order) as a float32
 * tensor of `shape`: one part is uploaded as it is; more are uploaded and added by the backend's
 * `Add`, which on wasm takes ~0.2-0.4 ms for a seq2seq layer's 1 MB recurrent-kernel gradient
 * where a JS loop took 0.8-2.4 ms (float32 loads and stores through float64).
 */
export function sumTensor(parts: readonly Float32Array[], shape: number[]): tf.Tensor {
  return tf.tidy(() =>
    parts.map((part) => tensorFromBlocks([part], shape)).reduce((sum, part) => tf.add(sum, part)),
  );
}

/** Shapes of a fused call: time steps, input dim, units, gate columns (gates x units). */
export interface FusedDims {
  readonly T: number;
  readonly E: number;
  readonly H: number;
  readonly G: number;
}

/**
 * What a slice of `n` rows reads back from a backward kernel after its input's gradient
 * (`FusedInput.backward`): dw, du, db, then the gradient of each of its `states` initial states
 * (dh0, and dc0 for an LSTM).
 */
export function gradientReads(
  n: number,
  { H, E, G }: FusedDims,
  states: number,
): Array<readonly [string, number, number]> {
  const stateReads = ['dh0', 'dc0'].slice(0, states).map((name) => [name, 0, n * H] as const);
  return [['dw', 0, E * G], ['du', 0, H * G], ['db', 0, G], ...stateReads];
}

/**
 * The gradient tensors from the slices' reads (the input's, then {@link gradientReads}): the
 * input's from `input`, weight gradients summed over the slices, initial states' row blocks
 * concatenated back into the batch of `B`.
 */
export function gradientTensors(
  slices: readonly Float32Array[][],
  input: FusedInput,
  B: number,
  { E, H, G }: FusedDims,
  states: number,
): tf.Tensor[] {
  const part = (k: number) => slices.map((outputs) => outputs[k]!);
  const result: tf.Tensor[] = [
    input.gradient(part(0)),
    sumTensor(part(1), [E, G]),
    sumTensor(part(2), [H, G]),
    sumTensor(part(3), [G]),
  ];
  for (let k = 0; k < states; k++) result.push(tensorFromBlocks(part(4 + k), [B, H]));
  return result;
}

/**
 * A float32 tensor of `shape` from row blocks that follow each other (kernel job outputs: views
 * of a kernel module's memory, valid until its next job), always copied: straight into tfjs'
 * heap on wasm, into one new array elsewhere (the cpu backend keeps the array it is given).
 */
export function tensorFromBlocks(blocks: readonly Float32Array[], shape: number[]): tf.Tensor {
  const backend = tf.backend() as unknown as Partial<{
    makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
    typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  }>;
  const info =
    tf.getBackend() === 'wasm' && backend.makeOutput !== undefined
      ? backend.makeOutput(shape, 'float32')
      : undefined;
  const values =
    info === undefined
      ? new Float32Array(blocks.reduce((sum, block) => sum + block.length, 0))
      : backend.typedArrayFromHeap!(info);
  let at = 0;
  for (const block of blocks) {
    values.set(block, at);
    at += block.length;
  }
  return info === undefined
    ? tf.tensor(values, shape, 'float32')
    : tf.engine().makeTensorFromTensorInfo(info);
}
