export { initBackend } from './init-backend.js';
export { formatBackendInfo } from './backend-info.js';
export type { BackendInfo, BackendOptions } from './backend-info.js';
export { backendMatrix } from './backend-matrix.js';
export type { WasmSource } from './wasm-source.js';
