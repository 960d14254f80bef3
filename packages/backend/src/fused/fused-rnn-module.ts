import type * as NodeFs from 'node:fs/promises';
import { importNodeBuiltin } from '../js-runtime.js';
import { FUSED_RNN_WASM_BASE64, FUSED_RNN_WASM_SHA256 } from './fused-rnn-wasm.js';
import { createKernelHost, type FusedRnnExports, type KernelHost } from './kernel-host.js';

/**
 * seqpipe's fused recurrent kernels in this thread: one small WebAssembly SIMD module (separate
 * from tfjs' own) with its allocator and job runner, the compiled module (worker threads
 * instantiate it too) and how often each kernel ran.
 */
export interface FusedRnnModule extends KernelHost {
  readonly compiled: WebAssembly.Module;
  /** Kernel calls since the module was installed, by C function (diagnostics, benchmarks). */
  readonly calls: Record<string, number>;
  /** The threaded build's shared memory (worker threads instantiate `compiled` over it). */
  readonly shared?: WebAssembly.Memory;
}

/** The bytes of a base64 string (an embedded WebAssembly binary). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const MODULE_KEY = Symbol.for('@seqpipe/backend/fused-rnn-module');
const SHARED_KEY = Symbol.for('@seqpipe/backend/fused-rnn-module-shared');

/** The kernel functions a fused-rnn binary must export (an older or foreign file lacks some). */
const KERNEL_EXPORTS = [
  'lstm_forward',
  'lstm_backward',
  'simple_rnn_forward',
  'simple_rnn_backward',
  'gru_forward',
  'gru_backward',
  'project_tokens',
  'project_tokens_backward',
  'matmul',
] as const;

/** The process-wide module: the threaded build once threads started, else the one-thread build. */
function installed(): FusedRnnModule | undefined {
  const modules = globalThis as unknown as Record<symbol, FusedRnnModule | undefined>;
  return modules[SHARED_KEY] ?? modules[MODULE_KEY];
}

function install(compiled: WebAssembly.Module, instance: WebAssembly.Instance): FusedRnnModule {
  const host = createKernelHost(instance.exports as unknown as FusedRnnExports);
  const calls = Object.fromEntries(KERNEL_EXPORTS.map((name) => [name, 0]));
  const module: FusedRnnModule = { ...host, compiled, calls };
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
  if (installed() === undefined) install(compiled, instance);
}

/**
 * The process-wide fused kernel module: the installed one, or the embedded binary compiled on
 * first use (44 KB: synchronous compilation is allowed everywhere seqpipe runs, including
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
  return install(compiled, new WebAssembly.Instance(compiled, {}));
}

/**
 * How many times each fused kernel ran in this process (`lstm_forward`, `gru_backward`, ...):
 * `{}` until a fused layer first runs. Tells whether a model really took the fused path.
 */
export function fusedKernelCalls(): Readonly<Record<string, number>> {
  return { ...installed()?.calls };
}

/** Counts one (logical) call of a fused kernel, however many threads ran its slices. */
export function countCall(fn: string): void {
  const calls = fusedRnnModule().calls;
  calls[fn] = (calls[fn] ?? 0) + 1;
}

/** The threaded build's stack per thread (the kernels use ~128 bytes of it). */
const STACK_BYTES = 64 * 1024;
/** The most memory the threaded build declares (csrc/build.sh: 2 GB), in 64 KB pages. */
const SHARED_MAX_PAGES = 32768;

/** Where a thread's instance of the threaded build keeps its own state, in the shared memory. */
export interface ThreadState {
  /** Its thread-local block (`__wasm_init_tls`). */
  readonly tls: number;
  /** Its stack: `stack` up to `stackTop` (stacks grow down). */
  readonly stack: number;
  readonly stackTop: number;
}

/** Reserves a thread's TLS block and stack (freed with {@link freeThreadState}). */
export function allocThreadState(host: KernelHost): ThreadState {
  const tlsBytes = Number((host.exports['__tls_size'] as WebAssembly.Global).value);
  const tls = host.alloc(Math.ceil(tlsBytes / 4));
  const stack = host.alloc(STACK_BYTES / 4);
  return { tls, stack, stackTop: stack + STACK_BYTES };
}

/** Frees what {@link allocThreadState} reserved (the thread's instance is gone). */
export function freeThreadState(host: KernelHost, state: ThreadState): void {
  host.free(state.tls);
  host.free(state.stack);
}

/**
 * Makes the threaded build (`csrc/fused_rnn_mt.wasm`, read from this package: Node.js) the
 * process-wide module, over a new shared memory that worker threads' instances use too: jobs
 * then pass pointers, never arrays. Kernel calls counted so far carry over; buffers that the
 * previous module kept for a gradient are not (that gradient then throws, see kernel-threads.ts).
 * A no-op once installed.
 */
export async function installSharedFusedRnn(): Promise<FusedRnnModule> {
  const modules = globalThis as unknown as Record<symbol, FusedRnnModule | undefined>;
  const existing = modules[SHARED_KEY];
  if (existing !== undefined) return existing;
  const fs = await importNodeBuiltin<typeof NodeFs>('node:fs/promises');
  const file = new URL('../../csrc/fused_rnn_mt.wasm', import.meta.url);
  const compiled = await WebAssembly.compile(await fs.readFile(file));
  const names = new Set(WebAssembly.Module.exports(compiled).map((e) => e.name));
  const missing = [...KERNEL_EXPORTS, '__wasm_init_tls'].filter((name) => !names.has(name));
  if (missing.length > 0) throw new Error(`${file.pathname} lacks ${missing.join(', ')}`);
  const shared = new WebAssembly.Memory({ initial: 16, maximum: SHARED_MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(compiled, { env: { memory: shared } });
  const host = createKernelHost({
    ...(instance.exports as unknown as FusedRnnExports),
    memory: shared,
  });
  // This thread keeps the stack the binary reserves below its heap; its TLS block is its own.
  const tlsBytes = Number((host.exports['__tls_size'] as WebAssembly.Global).value);
  (host.exports['__wasm_init_tls'] as (ptr: number) => void)(host.alloc(Math.ceil(tlsBytes / 4)));
  const calls = modules[MODULE_KEY]?.calls ?? Object.fromEntries(KERNEL_EXPORTS.map((n) => [n, 0]));
  const module: FusedRnnModule = { ...host, compiled, calls, shared };
  if (modules[SHARED_KEY] === undefined) modules[SHARED_KEY] = module;
  return modules[SHARED_KEY]!;
}
