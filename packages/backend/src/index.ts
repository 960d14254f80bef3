export { initBackend } from './init-backend.js';
export { formatBackendInfo } from './backend-info.js';
export type { BackendInfo, BackendOptions } from './backend-info.js';
export { backendMatrix } from './backend-matrix.js';
export type { WasmSource } from './wasm-source.js';
export { fusedLstm } from './fused/fused-lstm.js';
export type { FusedLstmOptions, FusedLstmResult } from './fused/fused-lstm.js';
export { fusedKernelsActive } from './fused/fused-kernels-active.js';
