import { getBackend } from '@tensorflow/tfjs-core';
import { backendState } from '../backend-state.js';

/**
 * True when the active backend is the WASM backend that seqpipe's `initBackend` set up: the
 * fused recurrent kernels are used then (stock tfjs setups and the cpu reference keep tfjs'
 * own layers).
 */
export function fusedKernelsActive(): boolean {
  return getBackend() === 'wasm' && backendState().wasm !== undefined;
}
