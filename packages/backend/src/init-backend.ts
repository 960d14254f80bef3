import type * as NodeOs from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendWasm,
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
} from '@tensorflow/tfjs-backend-wasm';
import { SeqpipeError, describeValue, formatIssue, type Issue } from '@seqpipe/errors';
import type { BackendInfo, BackendOptions } from './backend-info.js';
import { detectRuntime, importNodeBuiltin, type JsRuntime } from './js-runtime.js';
import { restoreProcessListeners, snapshotProcessListeners } from './process-listeners.js';
import { registerChainedOps } from './register-chained-ops.js';
import { registerWasmKernelFixes } from './kernels/register-wasm-kernels.js';
import { backendState, type BackendFactory } from './backend-state.js';
import { fusedRnnAvailable, installFusedRnnWasm } from './fused/fused-rnn-module.js';
import {
  kernelThreadCount,
  startKernelThreads,
  stopKernelThreads,
} from './fused/kernel-threads.js';
import {
  FUSED_RNN_WASM_FILE,
  describeWasmSource,
  instantiateWasmFrom,
  wasmUrlPrefix,
  type WasmFactory,
  type WasmSource,
} from './wasm-source.js';

/** tfjs-backend-wasm registers 'wasm' with priority 2 (above cpu); seqpipe keeps that. */
const WASM_PRIORITY = 2;
/** tfjs-backend-wasm's C side caps its XNNPACK pool at 8 threads. */
const MAX_WASM_THREADS = 8;
/** `threads: 'auto'` asks for at most this many (more rarely pays off for seqpipe's models). */
const AUTO_THREADS_MAX = 2;

interface NormalizedOptions {
  type: 'wasm' | 'cpu';
  threads: 'auto' | number;
  /** Undefined: the runtime's default (see BackendOptions.xnnpackThreads). */
  xnnpackThreads?: 'auto' | number | undefined;
  simd: boolean;
  wasm?: WasmSource | undefined;
}

/** What the wasm backend will be asked to be, after checking what the runtime offers. */
interface WasmPlan {
  /** Identifies the request (not the outcome): same key = same backend, no re-init. */
  key: string;
  simd: boolean;
  /** XNNPACK's target thread count (1 = the single-thread build). */
  threads: number;
  /** Threads the fused recurrent kernels split batches over (Node.js only, else 1). */
  fusedThreads: number;
  reasons: string[];
  /** Where the binary comes from; undefined: beside tfjs-backend-wasm's JavaScript. */
  source?: WasmSource | undefined;
}

/** Filled in by the backend factory while tfjs initializes 'wasm'. */
interface WasmOutcome {
  simd: boolean;
  reasons: string[];
  error?: unknown;
}

let simdSupported: boolean | undefined;

const OPTION_KEYS = new Set(['type', 'threads', 'xnnpackThreads', 'simd', 'wasm']);

function normalizeOptions(options: unknown): NormalizedOptions {
  const issues: Issue[] = [];
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      `initBackend: options must be an object like { type: 'wasm' }; received ${describeValue(options)}.`,
    );
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.has(key)) {
      issues.push({
        path: `/${key}`,
        message: 'unknown backend option',
        hint: 'known options: type, threads, xnnpackThreads, simd, wasm',
      });
    }
  }
  const type = o['type'] ?? 'wasm';
  if (type !== 'wasm' && type !== 'cpu') {
    issues.push({
      path: '/type',
      message: 'unknown backend type',
      expected: '"wasm" or "cpu"',
      received: describeValue(type),
    });
  }
  const threads = o['threads'] ?? 'auto';
  const xnnpackThreads = o['xnnpackThreads'];
  for (const [key, value] of [
    ['threads', threads],
    ['xnnpackThreads', xnnpackThreads ?? 'auto'],
  ] as const) {
    if (value !== 'auto' && !(Number.isInteger(value) && (value as number) >= 1)) {
      issues.push({
        path: `/${key}`,
        message: 'invalid thread count',
        expected: '"auto" or an integer >= 1',
        received: describeValue(value),
      });
    }
  }
  const simd = o['simd'] ?? true;
  if (typeof simd !== 'boolean') {
    issues.push({
      path: '/simd',
      message: 'simd must be a boolean',
      expected: 'true or false',
      received: describeValue(simd),
    });
  }
  const wasm = o['wasm'];
  if (wasm !== undefined && !isWasmSource(wasm)) {
    issues.push({
      path: '/wasm',
      message: 'invalid WASM source',
      expected:
        '{ url } (a folder serving tfjs-backend-wasm*.wasm), { module: WebAssembly.Module, simd, fusedRnn?: WebAssembly.Module } or { bytes: Uint8Array, simd, fusedRnn?: Uint8Array }',
      received: describeValue(wasm),
    });
  }
  if (issues.length > 0) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      `initBackend: invalid options: ${issues.map(formatIssue).join('; ')}`,
      { issues },
    );
  }
  return {
    type: type as NormalizedOptions['type'],
    threads: threads as NormalizedOptions['threads'],
    xnnpackThreads: xnnpackThreads as NormalizedOptions['xnnpackThreads'],
    simd: simd as boolean,
    wasm: wasm as WasmSource | undefined,
  };
}

function isWasmSource(value: unknown): value is WasmSource {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if ('url' in v) return typeof v['url'] === 'string' || v['url'] instanceof URL;
  if (typeof v['simd'] !== 'boolean') return false;
  if ('module' in v) {
    return (
      v['module'] instanceof WebAssembly.Module &&
      (v['fusedRnn'] === undefined || v['fusedRnn'] instanceof WebAssembly.Module)
    );
  }
  return (
    v['bytes'] instanceof Uint8Array &&
    (v['fusedRnn'] === undefined || v['fusedRnn'] instanceof Uint8Array)
  );
}

/** The caller's compiled module or bytes, when it gave one (not a URL). */
function heldBinary(
  source: WasmSource | undefined,
): Exclude<WasmSource, { readonly url: string | URL }> | undefined {
  return source !== undefined && !('url' in source) ? source : undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

/** The same probe tfjs uses: a tiny module with one SIMD instruction. */
function detectSimd(): boolean {
  try {
    return WebAssembly.validate(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15,
        26, 11,
      ]),
    );
  } catch {
    return false;
  }
}

async function logicalCores(runtime: JsRuntime): Promise<number> {
  if (runtime === 'node') {
    const os = await importNodeBuiltin<typeof NodeOs>('node:os');
    return typeof os.availableParallelism === 'function'
      ? os.availableParallelism()
      : os.cpus().length;
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** Why this runtime cannot run the threaded build, or undefined when it can. */
function threadsUnavailableReason(runtime: JsRuntime, simd: boolean): string | undefined {
  if (!simd) return 'the threaded WASM build needs SIMD; running single-threaded';
  if (runtime === 'node') return undefined;
  if (runtime === 'browser') {
    const g = globalThis as { crossOriginIsolated?: boolean };
    if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated !== true) {
      return 'SharedArrayBuffer is unavailable (serve the page cross-origin isolated with COOP/COEP headers); running single-threaded';
    }
    return undefined;
  }
  return `WASM threads are wired up for Node.js and browsers only, not ${runtime}; running single-threaded`;
}

async function planWasm(options: NormalizedOptions, runtime: JsRuntime): Promise<WasmPlan> {
  simdSupported ??= detectSimd();
  const reasons: string[] = [];
  let simd = options.simd;
  if (simd && !simdSupported) {
    simd = false;
    reasons.push('this runtime has no WebAssembly SIMD');
  }
  const held = heldBinary(options.wasm);
  if (held !== undefined && simd !== held.simd) {
    if (simd) reasons.push('the given WASM binary is the non-SIMD build');
    simd = held.simd;
  }
  const auto = Math.min(AUTO_THREADS_MAX, await logicalCores(runtime));
  const asked = options.threads === 'auto' ? auto : options.threads;
  // In Node.js the fused recurrent kernels use the threads and XNNPACK's pool stays at 1 unless
  // asked for (its threads slowed seqpipe's models there); browsers thread XNNPACK only.
  const fusedThreads = runtime === 'node' ? asked : 1;
  const xnnpack = options.xnnpackThreads ?? (runtime === 'node' ? 1 : asked);
  const target = xnnpack === 'auto' ? auto : xnnpack;
  let threads = target;
  if (threads > MAX_WASM_THREADS) {
    threads = MAX_WASM_THREADS;
    reasons.push(`tfjs-backend-wasm runs at most ${MAX_WASM_THREADS} threads`);
  }
  if (threads > 1 && held !== undefined) {
    threads = 1;
    reasons.push('a WASM module or bytes given in `wasm` run the single-thread build');
  }
  if (threads > 1) {
    const why = threadsUnavailableReason(runtime, simd);
    if (why !== undefined) {
      threads = 1;
      reasons.push(why);
    }
  }
  const key =
    `simd=${options.simd};threads=${asked};xnnpackThreads=${target};` +
    `wasm=${describeWasmSource(options.wasm)}`;
  return { key, simd, threads, fusedThreads, reasons, source: options.wasm };
}

function requireStockFactory(): BackendFactory {
  const { stockWasmFactory } = backendState();
  if (stockWasmFactory === undefined) {
    throw new Error('tfjs-backend-wasm did not register its backend factory');
  }
  return stockWasmFactory;
}

/** tfjs' own loader: the single-thread build (SIMD or not), or threads where tfjs allows them. */
async function stockWasmBackend(simd: boolean, threads: number): Promise<tf.KernelBackend> {
  tf.env().set('WASM_HAS_SIMD_SUPPORT', simd);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  setThreadsCount(threads);
  return requireStockFactory()();
}

async function createWasmBackend(
  plan: WasmPlan,
  runtime: JsRuntime,
  outcome: WasmOutcome,
): Promise<tf.KernelBackend> {
  const held = heldBinary(plan.source);
  if (held !== undefined) {
    try {
      return await heldWasmBackend(held);
    } catch (error) {
      outcome.error = error;
      throw error;
    }
  }
  if (plan.source !== undefined && 'url' in plan.source) {
    setWasmPaths(wasmUrlPrefix(plan.source.url));
  }
  if (plan.threads > 1) {
    try {
      if (runtime === 'node' && plan.source === undefined) {
        const { loadThreadedWasmModule } = await import('./node-threaded-wasm.js');
        const module = await loadThreadedWasmModule(plan.threads);
        setThreadsCount(plan.threads);
        try {
          return new BackendWasm(module);
        } catch (error) {
          (module as { PThread?: { terminateAllThreads(): void } }).PThread?.terminateAllThreads();
          throw error;
        }
      }
      if (runtime === 'browser' && plan.source !== undefined && 'url' in plan.source) {
        // tfjs' loader would cap the pool at half the cores (none on 2 cores): load it ourselves.
        const { loadBrowserThreadedWasmModule } = await import('./browser-threaded-wasm.js');
        const module = await loadBrowserThreadedWasmModule(
          plan.threads,
          wasmUrlPrefix(plan.source.url),
        );
        setThreadsCount(plan.threads);
        return new BackendWasm(module);
      }
      return await stockWasmBackend(true, plan.threads);
    } catch (error) {
      outcome.reasons.push(
        `threaded WASM failed to start (${errorMessage(error)}); running single-threaded`,
      );
    }
  }
  try {
    return await stockWasmBackend(plan.simd, 1);
  } catch (error) {
    outcome.error = error;
    throw error;
  }
}

/** The single-thread build on a module or bytes the caller holds (workerd, bundles). */
async function heldWasmBackend(
  held: Exclude<WasmSource, { readonly url: string | URL }>,
): Promise<tf.KernelBackend> {
  const imported =
    (await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js')) as {
      default?: unknown;
    };
  const factory = (imported.default ?? imported) as WasmFactory;
  const module = await instantiateWasmFrom(factory, held);
  setThreadsCount(1);
  return new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
}

/**
 * Makes the fused recurrent kernels' binary available: embedded (npm package), or from the
 * source (`fusedRnn`, or FUSED_RNN_WASM_FILE in the `url` folder). Returns why not, if not.
 */
async function prepareFusedKernels(source: WasmSource | undefined): Promise<string | undefined> {
  if (fusedRnnAvailable()) return undefined;
  const unfused = 'recurrent layers run tfjs-layers (no fused kernels)';
  try {
    if (source !== undefined && 'url' in source) {
      const url = `${wasmUrlPrefix(source.url)}${FUSED_RNN_WASM_FILE}`;
      const response = await fetch(url);
      if (!response.ok) return `${unfused}: ${url} answered ${response.status}`;
      await installFusedRnnWasm(new Uint8Array(await response.arrayBuffer()));
      return undefined;
    }
    if (source?.fusedRnn === undefined) {
      return `${unfused}: this build does not embed their binary and wasm.fusedRnn was not given`;
    }
    await installFusedRnnWasm(source.fusedRnn);
    return undefined;
  } catch (error) {
    return `${unfused}: ${errorMessage(error)}`;
  }
}

/**
 * Runs the fused kernels on `threads` threads (Node.js: worker threads; elsewhere they stay on
 * the calling thread). Returns why not, if not.
 */
async function startFusedThreads(threads: number): Promise<string | undefined> {
  const wanted = detectRuntime() === 'node' ? threads : 1;
  try {
    await startKernelThreads(wanted);
  } catch (error) {
    await stopKernelThreads();
    return `fused kernels run on 1 thread: their worker threads failed to start (${errorMessage(error)})`;
  }
  return undefined;
}

function wasmBackendInstance(): tf.KernelBackend | undefined {
  return tf.engine().registry['wasm'];
}

async function initWasm(options: NormalizedOptions): Promise<BackendInfo> {
  const state = backendState();
  state.stockWasmFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  registerWasmKernelFixes();
  const runtime = detectRuntime();
  const plan = await planWasm(options, runtime);

  if (state.wasm?.key === plan.key && wasmBackendInstance() !== undefined) {
    if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) {
      throw new SeqpipeError(
        'SEQPIPE_BACKEND_UNAVAILABLE',
        'Could not switch back to the WASM backend.',
      );
    }
    return { ...state.wasm.info };
  }

  const existing = wasmBackendInstance();
  if (existing !== undefined) {
    const held = existing.numDataIds();
    if (held > 0) {
      const running = state.wasm === undefined ? 'tfjs defaults' : state.wasm.key;
      throw new SeqpipeError(
        'SEQPIPE_BACKEND_UNAVAILABLE',
        `initBackend: the WASM backend already runs with ${running} and holds ${held} tensor(s), ` +
          `so it cannot be re-created with ${plan.key}. Dispose every tensor and model first ` +
          `(tf.disposeVariables(), model.dispose()), or use one WASM configuration per process.`,
      );
    }
  }
  if (tf.engine().registryFactory['wasm'] !== undefined) tf.removeBackend('wasm');

  const outcome: WasmOutcome = { simd: plan.simd, reasons: [...plan.reasons] };
  tf.registerBackend('wasm', () => createWasmBackend(plan, runtime, outcome), WASM_PRIORITY);
  const listeners = snapshotProcessListeners();
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    restoreProcessListeners(listeners);
  }
  if (!ok) {
    state.wasm = undefined;
    throw new SeqpipeError(
      'SEQPIPE_BACKEND_UNAVAILABLE',
      `initBackend: the WASM backend failed to start (${errorMessage(outcome.error)}). ` +
        `Check that @tensorflow/tfjs-backend-wasm's .wasm files are reachable (setWasmPaths in ` +
        `browsers and bundles), or run with { type: 'cpu' }.`,
      { cause: outcome.error },
    );
  }
  const xnnpackThreads = getThreadsCount();
  if (xnnpackThreads < plan.threads && outcome.reasons.length === 0) {
    outcome.reasons.push(`asked for ${plan.threads} threads, XNNPACK runs ${xnnpackThreads}`);
  }
  const fusedProblem = await prepareFusedKernels(plan.source);
  if (fusedProblem !== undefined) outcome.reasons.push(fusedProblem);
  const kernelThreadsProblem = await startFusedThreads(
    fusedProblem === undefined ? plan.fusedThreads : 1,
  );
  if (kernelThreadsProblem !== undefined) outcome.reasons.push(kernelThreadsProblem);
  const threads = Math.max(kernelThreadCount(), xnnpackThreads);
  const info: BackendInfo = {
    backend: 'wasm',
    simd: outcome.simd,
    threads,
    xnnpackThreads,
    tfjsVersion: tf.version_core,
    fusedKernels: fusedRnnAvailable(),
  };
  if (outcome.reasons.length > 0) info.fallbackReason = outcome.reasons.join('; ');
  state.wasm = { key: plan.key, info };
  return { ...info };
}

async function initBackendNow(options: unknown): Promise<BackendInfo> {
  const normalized = normalizeOptions(options);
  registerChainedOps();
  if (normalized.type === 'cpu') {
    // Imported on demand: inference bundles (browser, Worker) leave the cpu kernels out.
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) {
      throw new SeqpipeError(
        'SEQPIPE_BACKEND_UNAVAILABLE',
        'initBackend: the cpu backend failed to start.',
      );
    }
    // The cpu backend's first write prints an ad for tfjs-node, which cannot install here.
    const cpu = tf.engine().registry['cpu'] as { firstUse?: boolean } | undefined;
    if (cpu !== undefined) cpu.firstUse = false;
    return {
      backend: 'cpu',
      simd: false,
      threads: 1,
      xnnpackThreads: 0,
      tfjsVersion: tf.version_core,
      fusedKernels: false,
    };
  }
  return initWasm(normalized);
}

/**
 * Makes a TensorFlow.js backend ready and the active one, and says what it got.
 *
 * - `type: 'wasm'` (default): SIMD build; worker threads where the runtime allows (Node.js via
 *   seqpipe's loader, browsers when cross-origin isolated); `threads: 'auto'` = min(2, cores),
 *   `threads: 1` = the single-thread build. If threads cannot start, it runs on one thread and
 *   says why in `fallbackReason` (never throws for that). Also registers seqpipe's wasm
 *   kernel fixes and the chained tensor methods tfjs-layers needs.
 * - `type: 'cpu'`: the plain JavaScript backend (reference for tests).
 *
 * Calls are serialized. Repeating a call with the same options is cheap (it only re-activates
 * the backend). Switching between 'cpu' and 'wasm' is always allowed; both stay registered.
 * Asking for a different WASM configuration (threads/simd) re-creates the WASM backend when it
 * holds no tensors, and otherwise throws `SEQPIPE_BACKEND_UNAVAILABLE`. Invalid options throw
 * `SEQPIPE_USAGE`; a WASM backend that cannot start at all throws `SEQPIPE_BACKEND_UNAVAILABLE`.
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const state = backendState();
  const run = state.queue.then(() => initBackendNow(options));
  state.queue = run.catch(() => undefined);
  return run;
}
