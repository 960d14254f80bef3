/**
 * Loads tfjs-backend-wasm's threaded SIMD build in a cross-origin isolated page, from a URL.
 *
 * tfjs' own loader does the same Emscripten call but caps XNNPACK's pool at half of
 * `navigator.hardwareConcurrency` (1 thread on a 2-core machine, i.e. no threads at all). This
 * loader runs the factory itself, like `node-threaded-wasm.ts` does for Node: the pthread worker
 * and the main script are blobs (as in tfjs), the binary is fetched from `wasmUrl` and compiled
 * with `instantiateStreaming` (allowed by a CSP with `wasm-unsafe-eval`; no `eval`), and the core
 * count Emscripten reports is `2 * threads`, so the pool has the threads asked for.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { bindTfjsFunctions } from './wasm-module-tfjs.js';

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];
type Cwrap = (name: string, returns: string | null, args: string[]) => unknown;

interface FactoryConfig {
  locateFile(path: string, prefix: string): string;
  mainScriptUrlOrBlob: Blob;
  instantiateWasm(
    imports: { env: Record<string, unknown> },
    receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
  onAbort(what: unknown): void;
}
type Factory = ((config: FactoryConfig) => Promise<WasmModule>) & { toString(): string };

const THREADED_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';

function defaultExport<T>(module: unknown): T {
  const m = module as { default?: unknown };
  return (m.default ?? m) as T;
}

/**
 * Instantiates the threaded SIMD build with an XNNPACK pool of `threads` and returns the module,
 * ready for `new BackendWasm(module)` after `setThreadsCount(threads)`. `wasmFolder` is the URL
 * prefix serving `tfjs-backend-wasm-threaded-simd.wasm`. Rejects (never hangs past `timeoutMs`).
 */
export async function loadBrowserThreadedWasmModule(
  threads: number,
  wasmFolder: string,
  timeoutMs = 20_000,
): Promise<WasmModule> {
  const factory = defaultExport<Factory>(
    await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
  );
  const { wasmWorkerContents } = defaultExport<{ wasmWorkerContents: string }>(
    await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'),
  );
  const wasmUrl = new URL(THREADED_WASM, wasmFolder).href;
  // tfjs escapes newlines the same way: the source sits in a template literal.
  const workerUrl = URL.createObjectURL(
    new Blob([wasmWorkerContents.replace(/\n/g, '\\n')], { type: 'application/javascript' }),
  );
  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`threaded WASM did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const config: FactoryConfig = {
    locateFile: (file, prefix) => {
      if (file.endsWith('.worker.js')) return workerUrl;
      if (file.endsWith('.wasm')) return wasmUrl;
      return prefix + file;
    },
    mainScriptUrlOrBlob: new Blob([`var WasmBackendModuleThreadedSimd = ${factory.toString()}`], {
      type: 'text/javascript',
    }),
    instantiateWasm(imports, receiveInstance) {
      imports.env['emscripten_num_logical_cores'] = () => threads * 2;
      WebAssembly.instantiateStreaming(
        fetch(wasmUrl, { credentials: 'same-origin' }),
        imports as unknown as WebAssembly.Imports,
      ).then(({ instance, module }) => receiveInstance(instance, module), fail);
      return {};
    },
    onAbort: (what) => fail(new Error(`threaded WASM aborted: ${String(what)}`)),
  };
  try {
    const module = await Promise.race([factory(config), failed, timedOut]);
    return bindTfjsFunctions(module as WasmModule & { cwrap: Cwrap });
  } finally {
    clearTimeout(timer);
  }
}
