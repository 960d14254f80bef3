import { FUSED_RNN_WASM_BASE64 } from './fused-rnn-wasm.js';

/** The C functions of csrc/fused_rnn.c (pointers are byte offsets into `memory`). */
interface FusedRnnExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  lstm_forward(...args: number[]): void;
  lstm_backward(...args: number[]): void;
  simple_rnn_forward(...args: number[]): void;
  simple_rnn_backward(...args: number[]): void;
  gru_forward(...args: number[]): void;
  gru_backward(...args: number[]): void;
}

const PAGE = 65536;
const ALIGN = 16;

/**
 * seqpipe's fused recurrent kernels (one small WebAssembly SIMD module, separate from tfjs'
 * own) and a first-fit allocator over its memory. Float32 buffers are addressed by byte offset.
 */
export class FusedRnnModule {
  readonly exports: FusedRnnExports;
  /** Live blocks, sorted by offset: [offset, bytes]. */
  private readonly blocks: Array<[number, number]> = [];
  private readonly base: number;

  /** Calls per kernel function since the module was compiled (diagnostics, benchmarks). */
  readonly calls: Record<string, number> = {};

  constructor(exports: FusedRnnExports) {
    const counted: Record<string, unknown> = { ...exports };
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function') continue;
      const kernel = value as (...args: number[]) => void;
      this.calls[name] = 0;
      counted[name] = (...args: number[]) => {
        this.calls[name] = (this.calls[name] ?? 0) + 1;
        kernel(...args);
      };
    }
    this.exports = counted as unknown as FusedRnnExports;
    this.base = align(Number(exports.__heap_base.value));
  }

  /** Reserves `floats` float32s; returns the byte offset. */
  alloc(floats: number): number {
    const bytes = align(Math.max(1, floats) * 4);
    let at = this.base;
    let index = 0;
    for (; index < this.blocks.length; index++) {
      const [offset, size] = this.blocks[index]!;
      if (offset - at >= bytes) break;
      at = align(offset + size);
    }
    const end = at + bytes;
    const memory = this.exports.memory;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    }
    this.blocks.splice(index, 0, [at, bytes]);
    return at;
  }

  free(ptr: number): void {
    const index = this.blocks.findIndex(([offset]) => offset === ptr);
    if (index >= 0) this.blocks.splice(index, 1);
  }

  /** Bytes held by live blocks (for leak checks). */
  liveBytes(): number {
    return this.blocks.reduce((sum, [, size]) => sum + size, 0);
  }

  /** A view of `floats` float32s at `ptr` (views die when memory grows: make them after allocating). */
  view(ptr: number, floats: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, floats);
  }

  /** Allocates and fills a buffer. */
  put(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.view(ptr, data.length).set(data);
    return ptr;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const MODULE_KEY = Symbol.for('@seqpipe/backend/fused-rnn-module');

/**
 * The process-wide fused kernel module, compiled on first use (35 KB: synchronous compilation
 * is allowed everywhere seqpipe runs, including browser main threads, which cap it at 8 MB).
 */
export function fusedRnnModule(): FusedRnnModule {
  const g = globalThis as unknown as Record<symbol, FusedRnnModule | undefined>;
  let module = g[MODULE_KEY];
  if (module === undefined) {
    const compiled = new WebAssembly.Module(decodeBase64(FUSED_RNN_WASM_BASE64));
    const instance = new WebAssembly.Instance(compiled, {});
    module = new FusedRnnModule(instance.exports as unknown as FusedRnnExports);
    g[MODULE_KEY] = module;
  }
  return module;
}

/**
 * How many times each fused kernel ran in this process (`lstm_forward`, `gru_backward`, ...):
 * `{}` until a fused layer first runs. Tells whether a model really took the fused path.
 */
export function fusedKernelCalls(): Readonly<Record<string, number>> {
  const g = globalThis as unknown as Record<symbol, FusedRnnModule | undefined>;
  return { ...g[MODULE_KEY]?.calls };
}
