import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { backendState } from '../backend-state.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { broadcastBinaryConfigs } from './broadcast-binary.js';
import { fusedMatMulConfig } from './fused-mat-mul.js';
import { gatherV2Config } from './gather-v2.js';
import { identityConfig } from './identity.js';
import { reverseConfig } from './reverse.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Kernels seqpipe adds to or replaces on 'wasm', by name. */
export const WASM_KERNEL_FIXES = [
  'UnsortedSegmentSum',
  'BatchMatMul',
  '_FusedMatMul',
  'GatherV2',
  'Reverse',
  'Identity',
  'Equal',
  'NotEqual',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Maximum',
  'Minimum',
  'Pow',
] as const;

function replaceKernel(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName) !== undefined) {
    unregisterKernel(config.kernelName, config.backendName);
  }
  registerKernel(config);
}

/**
 * Registers seqpipe's wasm kernel fixes: `UnsortedSegmentSum` (missing), `BatchMatMul` and
 * `_FusedMatMul` (transposed and batched operands routed to XNNPACK; fused bias fixed) and
 * `GatherV2` and `Reverse` (direct block copies: stock wasm is ~25x slower at an embedding
 * lookup or a time reversal), `Identity` (shares the data instead of copying it: tfjs clones
 * every tensor an op saves for its gradient), and the comparisons, `Maximum`/`Minimum` and `Pow` (stock wasm
 * takes ~45 ms to broadcast a comparison over a spam-lstm batch's sequence output, 165 ns per
 * element of a `Pow`).
 * Idempotent; call before the wasm backend initializes so the setup functions run.
 */
export function registerWasmKernelFixes(): void {
  const state = backendState();
  if (state.kernelsRegistered) return;
  // Build the configs first: they capture the stock kernels they delegate to.
  const configs = [
    unsortedSegmentSumConfig,
    batchMatMulConfig(),
    fusedMatMulConfig(),
    gatherV2Config(),
    reverseConfig(),
    identityConfig(),
    ...broadcastBinaryConfigs(),
  ];
  for (const config of configs) replaceKernel(config);
  state.kernelsRegistered = true;
}
