import { GatherV2, util } from '@tensorflow/tfjs-core';
import type {
  GatherV2Attrs,
  GatherV2Inputs,
  KernelConfig,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runWasmKernel } from './run-wasm-kernel.js';
import { heapBlockCopier } from './heap-copy.js';
import { replacementKernel, stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * `GatherV2` (`tf.gather`, the Embedding lookup) for the wasm backend. Stock wasm takes ~28 ms
 * to gather 32,000 rows of 32 floats (an IMDB batch: 128 reviews x 250 words) — more than the
 * fused LSTM's whole forward; this copies the rows straight between the operands in the WASM
 * heap (~0.7 ms). `batchDims > 0` runs the stock kernel. Out-of-range indices throw, as on cpu.
 */
export function gatherV2Config(): KernelConfig {
  const stock = stockWasmKernel(GatherV2);
  const kernelFunc = (args: {
    inputs: GatherV2Inputs;
    backend: BackendWasm;
    attrs: GatherV2Attrs;
  }): TensorInfo => {
    const { backend, attrs } = args;
    const x = args.inputs.x as TensorInfo;
    const indices = args.inputs.indices as TensorInfo;
    if ((attrs.batchDims ?? 0) !== 0) {
      return runWasmKernel(GatherV2, args.inputs, backend, attrs as never, stock);
    }
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0] as number;
    const axisDim = x.shape[axis] as number;
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const count = util.sizeFromShape(indices.shape);
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    // Allocate first: allocation may grow the heap, and views must be taken after that.
    const out = backend.makeOutput(shape, x.dtype);
    const ids = backend.typedArrayFromHeap(indices);
    for (let i = 0; i < count; i++) {
      const index = ids[i] as number;
      if (!(index >= 0 && index < axisDim)) {
        backend.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
      }
    }
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const copy = heapBlockCopier(src, dst);
    let at = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * axisDim * inner;
      for (let i = 0; i < count; i++) {
        copy(base + (ids[i] as number) * inner, inner, at);
        at += inner;
      }
    }
    return out;
  };
  return replacementKernel(GatherV2, kernelFunc);
}
