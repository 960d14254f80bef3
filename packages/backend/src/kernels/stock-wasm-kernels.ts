import type { KernelConfig } from '@tensorflow/tfjs-core';
import { backendState } from '../backend-state.js';
import { wasmKernel } from './run-wasm-kernel.js';

/**
 * The kernel tfjs-backend-wasm itself registered for `name`, remembered the first time this is
 * called (so call it before replacing that kernel). Used by the replacements for their fast path.
 */
export function stockWasmKernel(name: string): KernelConfig {
  const stock = backendState().stockKernels;
  let kernel = stock.get(name);
  if (kernel === undefined) {
    kernel = wasmKernel(name);
    stock.set(name, kernel);
  }
  return kernel;
}
