import * as tf from '@tensorflow/tfjs-core';

interface WasmHeapAccess {
  dataIdMap: { has(dataId: object): boolean };
  typedArrayFromHeap(info: tf.TensorInfo): ArrayLike<number>;
}

/**
 * A float32 tensor's values without copying them out where that is possible: on the WASM
 * backend, a view of the tensor in tfjs' heap (an IMDB batch's embeddings are 4 MB: the copy
 * `dataSync` makes costs ~1 ms). The view is only valid until tfjs next allocates: copy from it
 * before running any other tfjs op. Elsewhere, `dataSync()`.
 */
export function heapValues(t: tf.Tensor): Float32Array {
  if (t.dtype === 'float32' && tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as Partial<WasmHeapAccess>;
    if (backend.dataIdMap?.has(t.dataId) === true && backend.typedArrayFromHeap !== undefined) {
      return backend.typedArrayFromHeap(t) as Float32Array;
    }
  }
  return t.dataSync() as Float32Array;
}
