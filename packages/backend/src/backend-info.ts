import type { WasmSource } from './wasm-source.js';

/** Which TensorFlow.js backend to run on, and how. Every field is optional. */
export interface BackendOptions {
  /** `'wasm'` (default): XNNPACK kernels in WebAssembly. `'cpu'`: plain JavaScript kernels. */
  type?: 'wasm' | 'cpu';
  /** WASM worker threads: `'auto'` (default) or a count >= 1; `1` loads the single-thread build. */
  threads?: 'auto' | number;
  /** Use the SIMD build of the WASM backend (default `true`). */
  simd?: boolean;
  /**
   * Where the WASM binary comes from, when not beside tfjs-backend-wasm's JavaScript: a folder
   * URL (browsers), a compiled module (Cloudflare workerd) or bytes (bundles). Default: the package.
   */
  wasm?: WasmSource;
}

/** What {@link initBackend} actually got, to print in logs and store in run artifacts. */
export interface BackendInfo {
  backend: 'wasm' | 'cpu';
  simd: boolean;
  /** Threads the backend computes with (XNNPACK's pool size for WASM, 1 for cpu). */
  threads: number;
  tfjsVersion: string;
  /**
   * seqpipe's fused recurrent kernels run the LSTM/GRU/SimpleRNN layers (WASM only; when false
   * on WASM, `fallbackReason` says why).
   */
  fusedKernels: boolean;
  /** Set when less than what was asked for was delivered (fewer threads, no SIMD), saying why. */
  fallbackReason?: string;
}

/**
 * One line for logs: `backend: wasm (SIMD on, 2 threads, fused RNN kernels) · tfjs 4.22.0`,
 * plus ` · fallback: <reason>` when the backend delivered less than was asked for.
 */
export function formatBackendInfo(info: BackendInfo): string {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const fused = info.fusedKernels ? ', fused RNN kernels' : '';
  const details =
    info.backend === 'wasm' ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${threads}${fused})` : '';
  let line = `backend: ${info.backend}${details} · tfjs ${info.tfjsVersion}`;
  if (info.fallbackReason !== undefined) line += ` · fallback: ${info.fallbackReason}`;
  return line;
}
