/** An Emscripten module of tfjs-backend-wasm: `cwrap` binds its C functions. */
interface CwrapModule {
  cwrap(name: string, returns: string | null, args: string[]): unknown;
}

/**
 * Binds the C functions tfjs-backend-wasm calls to `module.tfjs`, as tfjs' own `init()` does
 * after it instantiated the module itself (seqpipe instantiates it: bytes, compiled modules,
 * threaded builds). Returns `module`.
 */
export function bindTfjsFunctions<M extends CwrapModule>(module: M): M {
  const { cwrap } = module;
  (module as M & { tfjs: unknown }).tfjs = {
    init: cwrap('init', null, []),
    initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: cwrap('get_threads_count', 'number', []),
    registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: cwrap('dispose_data', null, ['number']),
    dispose: cwrap('dispose', null, []),
  };
  return module;
}
