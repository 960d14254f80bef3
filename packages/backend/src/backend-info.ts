import type { WasmSource } from './wasm-source.js';

/** Which TensorFlow.js backend to run on, and how. Every field is optional. */
export interface BackendOptions {
  /** `'wasm'` (default): XNNPACK kernels in WebAssembly. `'cpu'`: plain JavaScript kernels. */
  type?: 'wasm' | 'cpu';
  /**
   * Threads to compute with: `'auto'` (default: min(2, cores)) or a count >= 1. In Node.js the
   * fused recurrent kernels split their batches over them (worker threads); in browsers
   * (cross-origin isolated) XNNPACK's pool runs tfjs' own kernels on them.
   */
  threads?: 'auto' | number;
  /**
   * XNNPACK's pool for tfjs' own kernels (`1` = tfjs' single-thread build). Default: 1 in
   * Node.js (there its threads made seqpipe's models slower), `threads` in browsers.
   */
  xnnpackThreads?: 'auto' | number;
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
  /** Threads the backend computes with: the larger of the fused kernels' and XNNPACK's (1 for cpu). */
  threads: number;
  /** XNNPACK's pool size (tfjs' own WASM kernels); 0 for cpu. */
  xnnpackThreads: number;
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
  const xnnpack = info.xnnpackThreads !== info.threads ? `, XNNPACK on ${info.xnnpackThreads}` : '';
  const details =
    info.backend === 'wasm'
      ? ` (SIMD ${info.simd ? 'on' : 'off'}, ${threads}${fused}${xnnpack})`
      : '';
  let line = `backend: ${info.backend}${details} · tfjs ${info.tfjsVersion}`;
  if (info.fallbackReason !== undefined) line += ` · fallback: ${info.fallbackReason}`;
  return line;
}
