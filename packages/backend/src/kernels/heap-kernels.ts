import * as tf from '@tensorflow/tfjs-core';
import { decodeBase64 } from '../fused/fused-rnn-module.js';
import { HEAP_KERNELS_WASM_BASE64 } from './heap-kernels-wasm.js';

/**
 * seqpipe's kernels that run inside tfjs-backend-wasm's own memory (csrc/heap_kernels.c): the
 * module imports that memory, so its functions take tfjs tensors' byte offsets and read and
 * write them where they are, with no copy in or out. Pointers are byte offsets.
 */
export interface HeapKernels {
  /** One Adam step (see csrc/heap_kernels.c for the arguments). */
  adam_update(n: number, ...pointersThenScalars: number[]): void;
}

/** One instance per tfjs memory; null: this memory cannot take the module. */
const instances = new WeakMap<WebAssembly.Memory, HeapKernels | null>();

/**
 * The heap kernels over the active wasm backend's memory, or undefined where they cannot run:
 * another backend, tfjs' threaded build (its shared memory does not fit the module's import),
 * or a runtime that compiles no WebAssembly from bytes (Cloudflare workerd). Callers then take
 * tfjs' own ops.
 */
export function heapKernels(): HeapKernels | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as { wasm?: { asm?: { memory?: unknown } } };
  const memory = backend.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    try {
      const module = new WebAssembly.Module(decodeBase64(HEAP_KERNELS_WASM_BASE64));
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      kernels = instance.exports as unknown as HeapKernels;
    } catch {
      kernels = null;
    }
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}

/** The byte offset of a wasm tensor's data in tfjs' memory. */
export function heapOffset(backend: unknown, tensor: tf.TensorInfo): number {
  const data = (
    backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }
  ).dataIdMap.get(tensor.dataId);
  return data.memoryOffset;
}
