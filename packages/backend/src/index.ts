export { initBackend } from './init-backend.js';
export { formatBackendInfo } from './backend-info.js';
export type { BackendInfo, BackendOptions } from './backend-info.js';
export { backendMatrix } from './backend-matrix.js';
export { FUSED_RNN_WASM_FILE } from './wasm-source.js';
export type { WasmSource } from './wasm-source.js';
export { fusedLstm } from './fused/fused-lstm.js';
export type { FusedLstmOptions, FusedLstmResult } from './fused/fused-lstm.js';
export { fusedKernelsActive } from './fused/fused-kernels-active.js';
export {
  fusedKernelCalls,
  fusedRnnAvailable,
  installFusedRnnWasm,
} from './fused/fused-rnn-module.js';
export { fusedGru, fusedSimpleRnn } from './fused/fused-single-state-rnn.js';
export type { FusedRnnOptions, FusedRnnResult } from './fused/fused-single-state-rnn.js';
export { fuseModel, fuseRecurrent, setFusedRecurrentLog } from './fused/fuse-recurrent.js';
export { fuseLoss, fusedCategoricalCrossentropy } from './fused/fused-losses.js';
export type { FuseModelOptions } from './fused/fuse-recurrent.js';
export { kernelThreadStats } from './fused/kernel-threads.js';
export { fusedAdam } from './fused-adam.js';
