import { FUSED_RNN_WASM_BASE64, FUSED_RNN_WASM_SHA256 } from './fused-rnn-wasm.js';

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

/** The kernel functions a fused-rnn binary must export (an older or foreign file lacks some). */
const KERNEL_EXPORTS = [
  'lstm_forward',
  'lstm_backward',
  'simple_rnn_forward',
  'simple_rnn_backward',
  'gru_forward',
  'gru_backward',
] as const;

function installed(): FusedRnnModule | undefined {
  return (globalThis as unknown as Record<symbol, FusedRnnModule | undefined>)[MODULE_KEY];
}

function install(instance: WebAssembly.Instance): FusedRnnModule {
  const module = new FusedRnnModule(instance.exports as unknown as FusedRnnExports);
  (globalThis as unknown as Record<symbol, FusedRnnModule>)[MODULE_KEY] = module;
  return module;
}

/**
 * True when the fused kernels can run: their binary is embedded in this build (the npm
 * package) or was installed with {@link installFusedRnnWasm} (bundles, which ship it as a
 * separate `.wasm` file to keep it out of the JavaScript).
 */
export function fusedRnnAvailable(): boolean {
  return installed() !== undefined || FUSED_RNN_WASM_BASE64.length > 0;
}

/**
 * Installs the fused kernels from their `.wasm` binary (`csrc/fused_rnn.wasm` of this package
 * version): bytes are checked against the sha256 this build was made with, a compiled module
 * (Cloudflare workerd compiles no WASM from bytes) against the kernel functions it must export.
 * Throws when the binary does not fit; a fitting one is a no-op once the kernels are installed.
 */
export async function installFusedRnnWasm(binary: WebAssembly.Module | Uint8Array): Promise<void> {
  let compiled: WebAssembly.Module;
  if (binary instanceof WebAssembly.Module) {
    const names = new Set(WebAssembly.Module.exports(binary).map((e) => e.name));
    const missing = KERNEL_EXPORTS.filter((name) => !names.has(name));
    if (missing.length > 0) {
      throw new Error(
        `the fused kernels' module lacks ${missing.join(', ')}: it is not this @seqpipe/backend's csrc/fused_rnn.wasm`,
      );
    }
    compiled = binary;
  } else {
    const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
    if (subtle !== undefined) {
      const digest = await subtle.digest('SHA-256', binary as Uint8Array<ArrayBuffer>);
      const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(
        '',
      );
      if (hex !== FUSED_RNN_WASM_SHA256) {
        throw new Error(
          `the fused kernels' binary has sha256 ${hex}, this @seqpipe/backend was built with ${FUSED_RNN_WASM_SHA256}: copy csrc/fused_rnn.wasm from the installed @seqpipe/backend`,
        );
      }
    }
    if (installed() !== undefined) return;
    compiled = await WebAssembly.compile(binary as Uint8Array<ArrayBuffer>);
  }
  if (installed() !== undefined) return;
  const instance = await WebAssembly.instantiate(compiled, {});
  if (installed() === undefined) install(instance);
}

/**
 * The process-wide fused kernel module: the installed one, or the embedded binary compiled on
 * first use (35 KB: synchronous compilation is allowed everywhere seqpipe runs, including
 * browser main threads, which cap it at 8 MB).
 */
export function fusedRnnModule(): FusedRnnModule {
  const module = installed();
  if (module !== undefined) return module;
  if (FUSED_RNN_WASM_BASE64.length === 0) {
    throw new Error(
      'fused recurrent kernels are not installed: this build does not embed their binary; pass it to initBackend as wasm.fusedRnn',
    );
  }
  const compiled = new WebAssembly.Module(decodeBase64(FUSED_RNN_WASM_BASE64));
  return install(new WebAssembly.Instance(compiled, {}));
}

/**
 * How many times each fused kernel ran in this process (`lstm_forward`, `gru_backward`, ...):
 * `{}` until a fused layer first runs. Tells whether a model really took the fused path.
 */
export function fusedKernelCalls(): Readonly<Record<string, number>> {
  return { ...installed()?.calls };
}
