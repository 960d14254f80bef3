import { getKernel } from '@tensorflow/tfjs-core';
import type {
  KernelConfig,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The kernel registered for `name` on 'wasm' right now; throws if there is none. */
export function wasmKernel(name: string): KernelConfig {
  const kernel = getKernel(name, 'wasm') as KernelConfig | undefined;
  if (kernel === undefined)
    throw new Error(`Kernel '${name}' is not registered for backend 'wasm'.`);
  return kernel;
}

/**
 * Calls another wasm kernel directly on tensor infos, the way tfjs backends compose kernels
 * (no engine bookkeeping, no tape). The caller owns the result: return it or `disposeInfo` it.
 */
export function runWasmKernel(
  name: string,
  inputs: NamedTensorInfoMap,
  backend: BackendWasm,
  attrs: NamedAttrMap = {},
  kernel: KernelConfig = wasmKernel(name),
): TensorInfo {
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    const [first, ...rest] = out;
    for (const extra of rest) backend.disposeData(extra.dataId);
    if (first === undefined) throw new Error(`Kernel '${name}' returned no output.`);
    return first;
  }
  return out;
}

/** Releases an intermediate tensor info produced by {@link runWasmKernel}. */
export function disposeInfo(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** `x` reshaped (shares memory; dispose the result like any other intermediate). */
export function reshapeInfo(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel('Reshape', { x }, backend, { shape });
}
