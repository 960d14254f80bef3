/**
 * Loads tfjs-backend-wasm's threaded SIMD build in Node.js.
 *
 * Stock tfjs turns threads off in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false when
 * `IS_NODE`): its loader hands Emscripten a blob: URL for the pthread worker script and a Blob
 * for the main script, and Node's `worker_threads` can load neither. This shim runs the same
 * Emscripten factory (`wasm-out/tfjs-backend-wasm-threaded-simd.js`) with:
 * - `locateFile` pointing the worker at a real file: tfjs' worker source
 *   (`wasmWorkerContents`) written once to the OS temp dir, named by its content hash;
 * - `mainScriptUrlOrBlob` set to the factory's own path, which the worker `importScripts`;
 * - `instantiateWasm` that (a) reports `2 * threads` logical cores, because tfjs caps its
 *   XNNPACK pool at half the logical cores (1 on a 2-vCPU machine), (b) keeps only the
 *   workers the pool needs out of Emscripten's 8 pre-spawned ones, (c) makes every worker
 *   `unref()`ed for good, so an idle process exits although the pool threads live on, and
 *   (d) turns a worker error during start-up into a rejected load instead of a crash.
 * Node-only: every Node module comes in through a dynamic import. Browsers never load this.
 */
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as NodeOs from 'node:os';
import type * as NodePath from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { importNodeBuiltin } from './js-runtime.js';
import { restoreProcessListeners, snapshotProcessListeners } from './process-listeners.js';
import { bindTfjsFunctions } from './wasm-module-tfjs.js';

export type WasmModule = ConstructorParameters<typeof BackendWasm>[0];

/** The part of an Emscripten pthread worker this shim touches (a Node `Worker`). */
interface PthreadWorker {
  ref(): void;
  unref(): void;
  terminate(): unknown;
  onerror?: (error: unknown) => void;
}

/** Emscripten's `PThread` runtime object (emscripten 3.1, as built into tfjs 4.22). */
interface PThreadRuntime {
  unusedWorkers: PthreadWorker[];
  runningWorkers: PthreadWorker[];
  allocateUnusedWorker(): void;
  loadWasmModuleToWorker(worker: PthreadWorker, onFinishedLoading?: unknown): void;
  terminateAllThreads(): void;
}

interface FactoryConfig {
  locateFile(path: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
  instantiateWasm(
    imports: { env: Record<string, unknown> },
    receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
  PThread?: PThreadRuntime;
}

type Cwrap = (name: string, returns: string | null, args: string[]) => unknown;
type Factory = (config: FactoryConfig) => Promise<WasmModule>;

const THREADED_JS = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER_JS =
  '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
const THREADED_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';

/** Makes a worker never keep the event loop alive (Emscripten `ref()`s it when a thread runs). */
function detach(worker: PthreadWorker): void {
  worker.ref = () => {};
  worker.unref();
}

async function writeWorkerScript(contents: string): Promise<string> {
  const fs = await importNodeBuiltin<typeof NodeFs>('node:fs');
  const os = await importNodeBuiltin<typeof NodeOs>('node:os');
  const path = await importNodeBuiltin<typeof NodePath>('node:path');
  const crypto = await importNodeBuiltin<typeof NodeCrypto>('node:crypto');
  const hash = crypto.createHash('sha256').update(contents).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `seqpipe-tfjs-wasm-pthread-${hash}.cjs`);
  try {
    if (fs.readFileSync(file, 'utf8') === contents) return file;
  } catch {
    // Not written yet (or unreadable): write it below.
  }
  // Write then rename, so parallel processes never load a half-written file.
  const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(partial, contents);
  fs.renameSync(partial, file);
  return file;
}

/**
 * Instantiates the threaded SIMD build with a pool sized for `threads` and returns the module,
 * ready for `new BackendWasm(module)` after `setThreadsCount(threads)`. Rejects (never hangs
 * past `timeoutMs`) when anything fails; the caller falls back to the single-thread build.
 */
export async function loadThreadedWasmModule(
  threads: number,
  timeoutMs = 20_000,
): Promise<WasmModule> {
  const { createRequire } = await importNodeBuiltin<typeof NodeModule>('node:module');
  const path = await importNodeBuiltin<typeof NodePath>('node:path');
  const fs = await importNodeBuiltin<typeof NodeFs>('node:fs');
  const require = createRequire(import.meta.url);
  const factoryPath = require.resolve(THREADED_JS);
  const factory = require(factoryPath) as Factory;
  const { wasmWorkerContents } = require(WORKER_JS) as { wasmWorkerContents: string };
  // tfjs escapes newlines the same way before making its blob: the source sits in a template
  // literal, so `"\n"` inside it arrives as a raw newline.
  const workerFile = await writeWorkerScript(wasmWorkerContents.replace(/\n/g, '\\n'));
  const wasmBytes = await fs.promises.readFile(path.join(path.dirname(factoryPath), THREADED_WASM));
  const poolSize = Math.max(1, threads - 1) + 1; // XNNPACK runs threads - 1 pthreads, plus a spare

  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  let settled = false;

  const config: FactoryConfig = {
    locateFile: (file, prefix) => {
      if (file.endsWith('.worker.js')) return workerFile;
      if (file.endsWith('.wasm')) return path.join(path.dirname(factoryPath), THREADED_WASM);
      return prefix + file;
    },
    mainScriptUrlOrBlob: factoryPath,
    instantiateWasm(imports, receiveInstance) {
      const pthread = config.PThread;
      if (pthread === undefined) throw new Error('Emscripten PThread runtime not found.');
      // tfjs: pool = min(requested, 8, logicalCores / 2). Report enough cores for `threads`.
      imports.env['emscripten_num_logical_cores'] = () => threads * 2;
      for (const extra of pthread.unusedWorkers.splice(poolSize)) void extra.terminate();
      for (const worker of pthread.unusedWorkers) detach(worker);
      const allocate = pthread.allocateUnusedWorker.bind(pthread);
      pthread.allocateUnusedWorker = () => {
        allocate();
        const worker = pthread.unusedWorkers[pthread.unusedWorkers.length - 1];
        if (worker !== undefined) detach(worker);
      };
      const load = pthread.loadWasmModuleToWorker.bind(pthread);
      pthread.loadWasmModuleToWorker = (worker, onFinishedLoading) => {
        load(worker, onFinishedLoading);
        const emscriptenOnError = worker.onerror;
        worker.onerror = (error) => {
          if (!settled) fail(error);
          else emscriptenOnError?.(error);
        };
      };
      WebAssembly.instantiate(wasmBytes, imports as unknown as WebAssembly.Imports).then(
        ({ instance, module }) => receiveInstance(instance, module),
        (error: unknown) => fail(error),
      );
      return {};
    },
  };

  const listenersBefore = snapshotProcessListeners();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`threaded WASM did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    const module = await Promise.race([factory(config), failed, timedOut]);
    settled = true;
    return bindTfjsFunctions(module as WasmModule & { cwrap: Cwrap });
  } catch (error) {
    settled = true;
    config.PThread?.terminateAllThreads();
    throw error;
  } finally {
    clearTimeout(timer);
    restoreProcessListeners(listenersBefore);
  }
}
