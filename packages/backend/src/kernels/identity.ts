import { Identity } from '@tensorflow/tfjs-core';
import type { IdentityInputs, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replacementKernel, stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * `Identity` (`tf.clone`, and tfjs' engine cloning every tensor an op saves for its gradient)
 * sharing the input's data, as tfjs' cpu backend does and wasm's own `Reshape` does: stock wasm
 * copies it. A seqpipe seq2seq training step cloned ~40 tensors, ~16 MB of copies (the fused
 * layer's 1.4 MB output three times). Sharing is safe because no wasm kernel writes into its
 * inputs; the data is freed when its last tensor is. Strings take the stock kernel.
 */
export function identityConfig(): KernelConfig {
  const stock = stockWasmKernel(Identity);
  const kernelFunc = (args: { inputs: IdentityInputs; backend: BackendWasm }): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return replacementKernel(Identity, kernelFunc);
}
