import { getBackend } from '@tensorflow/tfjs-core';
import { backendState } from '../backend-state.js';
import { fusedRnnAvailable } from './fused-rnn-module.js';

/**
 * True when the active backend is the WASM backend that seqpipe's `initBackend` set up: the
 * fused recurrent kernels are used then (stock tfjs setups and the cpu reference keep tfjs'
 * own layers), and the kernels' binary is there (embedded, or installed by `initBackend`).
 */
export function fusedKernelsActive(): boolean {
  return getBackend() === 'wasm' && backendState().wasm !== undefined && fusedRnnAvailable();
}
