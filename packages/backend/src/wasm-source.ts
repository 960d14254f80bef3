import { bindTfjsFunctions } from './wasm-module-tfjs.js';

/**
 * Where the WASM binary of the backend comes from when it is not beside tfjs-backend-wasm's own
 * JavaScript (bundles, browsers, edge workers). See `BackendOptions.wasm`.
 *
 * - `{ url }`: a folder URL that serves `tfjs-backend-wasm*.wasm` (browsers): handed to
 *   tfjs' `setWasmPaths`, so the stock loader fetches the binary (and runs threads when the page
 *   is cross-origin isolated).
 * - `{ module, simd }`: a compiled `WebAssembly.Module`. Cloudflare's workerd compiles no WASM
 *   from bytes: a Worker imports the `.wasm` file (it arrives compiled) and passes it here.
 * - `{ bytes, simd }`: the binary's bytes (a Node, Deno or Bun bundle reads the file beside it).
 *
 * `simd` says which binary it is (`tfjs-backend-wasm-simd.wasm` is `true`,
 * `tfjs-backend-wasm.wasm` is `false`). Module and bytes run the single-thread build.
 *
 * seqpipe's fused recurrent kernels are a second, small binary (`csrc/fused_rnn.wasm`, served as
 * {@link FUSED_RNN_WASM_FILE}). The npm package embeds it, so Node needs nothing; bundles leave
 * it out of their JavaScript and hand it over: `fusedRnn` beside `module`/`bytes` (a module for
 * workerd, bytes elsewhere), or the file in the `url` folder (fetched). Without it, recurrent
 * layers run tfjs-layers' own code and `BackendInfo.fusedKernels` is false.
 */
export type WasmSource =
  | { readonly url: string | URL }
  | {
      readonly module: WebAssembly.Module;
      readonly simd: boolean;
      readonly fusedRnn?: WebAssembly.Module;
    }
  | { readonly bytes: Uint8Array; readonly simd: boolean; readonly fusedRnn?: Uint8Array };

/** The file name bundles give seqpipe's fused-kernel binary (`csrc/fused_rnn.wasm`). */
export const FUSED_RNN_WASM_FILE = 'seqpipe-fused-rnn.wasm';

/** tfjs-backend-wasm's Emscripten module, as `BackendWasm` takes it. */
export interface EmscriptenWasmModule {
  cwrap(name: string, returns: string | null, args: string[]): unknown;
  tfjs?: unknown;
}

type InstantiateWasm = (
  imports: WebAssembly.Imports,
  receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
) => object;

/** The single-thread Emscripten factory of tfjs-backend-wasm (`wasm-out/tfjs-backend-wasm.js`). */
export type WasmFactory = (config: {
  instantiateWasm: InstantiateWasm;
  locateFile(path: string, prefix: string): string;
  onAbort(what: unknown): void;
}) => Promise<EmscriptenWasmModule>;

/** A short, stable description of a source, for the backend's request key and messages. */
export function describeWasmSource(source: WasmSource | undefined): string {
  if (source === undefined) return 'package';
  if ('url' in source) return `url:${String(source.url)}`;
  return `${'module' in source ? 'module' : 'bytes'}:${source.simd ? 'simd' : 'plain'}`;
}

/** The folder prefix `setWasmPaths` wants (always ending in `/`). */
export function wasmUrlPrefix(url: string | URL): string {
  const href = String(url);
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Runs the single-thread Emscripten factory on a module or bytes the caller already holds, with
 * no file lookup and no fetch, and wires up `module.tfjs` the way tfjs' own `init()` does.
 */
export async function instantiateWasmFrom(
  factory: WasmFactory,
  source: { readonly module: WebAssembly.Module } | { readonly bytes: Uint8Array },
): Promise<EmscriptenWasmModule> {
  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const instantiateWasm: InstantiateWasm = (imports, receiveInstance) => {
    const done = (instance: WebAssembly.Instance, module: WebAssembly.Module) =>
      receiveInstance(instance, module);
    if ('module' in source) {
      WebAssembly.instantiate(source.module, imports).then(
        (instance) => done(instance, source.module),
        fail,
      );
    } else {
      WebAssembly.instantiate(source.bytes as Uint8Array<ArrayBuffer>, imports).then(
        ({ instance, module }) => done(instance, module),
        fail,
      );
    }
    return {};
  };
  const module = await Promise.race([
    factory({
      instantiateWasm,
      // Never consulted for the binary (instantiateWasm supplies it); keeps Emscripten from
      // building paths out of a bundle's location.
      locateFile: (path) => path,
      onAbort: (what) => fail(new Error(`WASM backend aborted: ${String(what)}`)),
    }),
    failed,
  ]);
  return bindTfjsFunctions(module);
}
