import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs-core';
import type { BackendInfo } from './backend-info.js';

export type BackendFactory = () => KernelBackend | Promise<KernelBackend>;

/**
 * Process-wide state of @seqpipe/backend. tfjs keeps its engine and registries on `globalThis`,
 * so this does too: a second copy of this package in the process (source and dist, or a
 * bundle) then sees the same stock kernels and factory instead of capturing the replacements.
 */
export interface BackendState {
  /** tfjs-backend-wasm's own 'wasm' factory, captured before seqpipe registers its own. */
  stockWasmFactory?: BackendFactory | undefined;
  /** tfjs-backend-wasm's own kernels that seqpipe replaced, by kernel name. */
  stockKernels: Map<string, KernelConfig>;
  /** The WASM configuration seqpipe initialized last (request key) and what it delivered. */
  wasm?: { key: string; info: BackendInfo } | undefined;
  kernelsRegistered: boolean;
  chainedOpsRegistered: boolean;
  /** Serializes initBackend calls. */
  queue: Promise<unknown>;
}

const STATE_KEY = Symbol.for('@seqpipe/backend/state');

export function backendState(): BackendState {
  const g = globalThis as unknown as Record<symbol, BackendState | undefined>;
  let state = g[STATE_KEY];
  if (state === undefined) {
    state = {
      stockKernels: new Map(),
      kernelsRegistered: false,
      chainedOpsRegistered: false,
      queue: Promise.resolve(),
    };
    g[STATE_KEY] = state;
  }
  return state;
}
