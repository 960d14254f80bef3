import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
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

/**
 * A replacement for the stock wasm kernel `name`, keeping its setup and dispose functions (they
 * bind the C function the replacement may still call).
 */
export function replacementKernel(name: string, kernelFunc: unknown): KernelConfig {
  const stock = stockWasmKernel(name);
  const config: KernelConfig = {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: kernelFunc as KernelFunc,
  };
  if (stock.setupFunc !== undefined) config.setupFunc = stock.setupFunc;
  if (stock.disposeFunc !== undefined) config.disposeFunc = stock.disposeFunc;
  return config;
}
