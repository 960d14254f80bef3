import type * as NodeWorkerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { importNodeBuiltin } from '../js-runtime.js';
import {
  allocThreadState,
  countCall,
  freeThreadState,
  fusedRnnModule,
  installSharedFusedRnn,
  type FusedRnnModule,
  type ThreadState,
} from './fused-rnn-module.js';
import type { KernelJob, KernelJobResult, PreparedJob } from './kernel-host.js';
import { jobCalls } from './kernel-host.js';

/**
 * Worker threads for the fused kernels (Node.js). Once threads start, the process runs the
 * kernels' threaded build (`csrc/fused_rnn_mt.wasm`) over one shared memory, instantiated by
 * this thread and by each worker (each with its own stack and thread-local block in it). This
 * thread allocates and fills every job's buffers; a worker gets the job's calls as numbers
 * (functions and pointers) in a small shared block, runs them on its slice of the batch while
 * this thread runs its own, and says it is done through an `Atomics` word. No arrays are
 * copied between threads, and the calling thread blocks until the workers finish
 * (`Atomics.wait`, allowed on Node's main thread), so the kernels stay synchronous tfjs ops.
 */
export interface Lane {
  readonly worker: NodeWorkerThreads.Worker;
  /** Int32 words shared with the worker: see {@link Control}. */
  readonly control: Int32Array;
  /** The posted job's calls: [count, then per call: function index, argument count, arguments]. */
  readonly calls: Float64Array;
  /** The worker's error message (UTF-8, zero-padded) when a job failed. */
  readonly error: Uint8Array;
  /** The worker's stack and thread-local block in the shared memory. */
  readonly state: ThreadState;
  /** False once the worker exited (crashed, or terminated): new work stays off this lane. */
  alive: boolean;
  /** Sequence number of the last job posted. */
  posted: number;
}

/** The control words' indices. */
const enum Control {
  /** Sequence number of the last job posted (this thread writes it, then notifies). */
  Posted = 0,
  /** Sequence number of the last job the worker finished (it writes it, then notifies). */
  Done = 1,
  /** 1 when that job failed (the message is in `error`). */
  Failed = 2,
  /** 1 once the worker has instantiated the module. */
  Ready = 3,
}

/** Float64 slots for a job's calls (a job has a few calls of at most ~25 arguments). */
const CALL_SLOTS = 1024;
const ERROR_BYTES = 1024;

interface Pool {
  readonly lanes: Lane[];
  /** The threaded module the workers share memory with. */
  readonly module: FusedRnnModule;
  /** C function name -> index in the workers' function table. */
  readonly functions: ReadonlyMap<string, number>;
  /** Jobs the workers ran (diagnostics: did the threads take part?). */
  workerJobs: number;
}

/** Where a slice's job ran (lane null: this thread), and what it kept, in which module. */
export interface KeptSlice {
  readonly lane: Lane | null;
  readonly handle: number;
  readonly module: FusedRnnModule;
}

const POOL_KEY = Symbol.for('@seqpipe/backend/fused-kernel-threads');
const START_TIMEOUT_MS = 20_000;

function pool(): Pool | undefined {
  return (globalThis as unknown as Record<symbol, Pool | undefined>)[POOL_KEY];
}

function setPool(value: Pool | undefined): void {
  (globalThis as unknown as Record<symbol, Pool | undefined>)[POOL_KEY] = value;
}

/** The source a worker runs: instantiate the module over the shared memory, then run jobs. */
function workerSource(): string {
  return `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, calls, error, names, tls, stackTop } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
exports.__stack_pointer.value = stackTop;
exports.__wasm_init_tls(tls);
const fns = names.map((name) => exports[name]);
Atomics.store(control, ${Control.Ready}, 1);
let seen = 0;
for (;;) {
  Atomics.wait(control, ${Control.Posted}, seen);
  const seq = Atomics.load(control, ${Control.Posted});
  if (seq === seen) continue;
  seen = seq;
  let failed = 0;
  try {
    let at = 1;
    for (let c = 0, count = calls[0]; c < count; c++) {
      const fn = fns[calls[at]], n = calls[at + 1];
      fn(...calls.subarray(at + 2, at + 2 + n));
      at += 2 + n;
    }
  } catch (e) {
    failed = 1;
    const bytes = new TextEncoder().encode(String((e && e.message) || e)).subarray(0, error.length);
    error.fill(0);
    error.set(bytes);
  }
  Atomics.store(control, ${Control.Failed}, failed);
  Atomics.store(control, ${Control.Done}, seq);
  Atomics.notify(control, ${Control.Done});
}
`;
}

/** Threads the fused kernels split a batch over (this one included): 1 without workers. */
export function kernelThreadCount(): number {
  return (pool()?.lanes.filter((lane) => lane.alive).length ?? 0) + 1;
}

/** Stops the workers (the kernels then run on the calling thread only). */
export async function stopKernelThreads(): Promise<void> {
  const current = pool();
  setPool(undefined);
  if (current === undefined) return;
  await Promise.all(current.lanes.map((lane) => lane.worker.terminate()));
  for (const lane of current.lanes) freeThreadState(current.module, lane.state);
}

/**
 * Runs the fused kernels on `threads` threads from now on: the calling one plus `threads - 1`
 * workers (Node.js only; `1` stops them). Workers are `unref`ed: they never keep a process alive.
 */
export async function startKernelThreads(threads: number): Promise<void> {
  if (threads === kernelThreadCount()) return;
  await stopKernelThreads();
  if (threads <= 1) return;
  const wt = await importNodeBuiltin<typeof NodeWorkerThreads>('node:worker_threads');
  const module = await installSharedFusedRnn();
  const names = WebAssembly.Module.exports(module.compiled)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name);
  const source = workerSource();
  const lanes: Lane[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      const control = new Int32Array(new SharedArrayBuffer(16));
      const calls = new Float64Array(new SharedArrayBuffer(CALL_SLOTS * 8));
      const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
      const state = allocThreadState(module);
      const worker = new wt.Worker(source, {
        eval: true,
        execArgv: [],
        workerData: {
          module: module.compiled,
          memory: module.shared,
          control,
          calls,
          error,
          names,
          tls: state.tls,
          stackTop: state.stackTop,
        },
      });
      const lane: Lane = { worker, control, calls, error, state, alive: true, posted: 0 };
      lanes.push(lane);
      worker.once('exit', () => (lane.alive = false));
      worker.unref();
      let failure: unknown;
      worker.once('error', (error) => (failure = error));
      const started = Date.now();
      while (Atomics.load(control, Control.Ready) === 0) {
        if (failure !== undefined) throw failure;
        if (Date.now() - started > START_TIMEOUT_MS) throw new Error('start-up timed out');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
  } catch (error) {
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    for (const lane of lanes) freeThreadState(module, lane.state);
    throw error;
  }
  const functions = new Map(names.map((name, index) => [name, index]));
  setPool({ lanes, module, functions, workerJobs: 0 });
}

/** Where the slices of a batch split `parts` ways run: this thread first, then workers. */
export function kernelLanes(parts: number): Array<Lane | null> {
  const lanes = pool()?.lanes.filter((lane) => lane.alive) ?? [];
  if (parts - 1 > lanes.length) throw new Error('kernelLanes: more parts than kernel threads');
  return [null, ...lanes.slice(0, parts - 1)];
}

/** A slice far bigger than any batch seqpipe trains takes seconds; no answer by then = lost. */
const JOB_TIMEOUT_MS = 120_000;

/** Hands a prepared job's calls to `lane`'s worker. */
function post(current: Pool, lane: Lane, job: PreparedJob): void {
  const slots = lane.calls;
  let at = 1;
  for (const [fn, args] of job.calls) {
    if (at + 2 + args.length > slots.length) throw new Error('kernel job: too many calls');
    slots[at] = current.functions.get(fn) ?? -1;
    slots[at + 1] = args.length;
    slots.set(args, at + 2);
    at += 2 + args.length;
  }
  slots[0] = job.calls.length;
  lane.posted++;
  Atomics.store(lane.control, Control.Posted, lane.posted);
  Atomics.notify(lane.control, Control.Posted);
  current.workerJobs++;
}

/** Blocks until `lane` finished its last job; returns its failure, if any. */
function awaitDone(lane: Lane): Error | undefined {
  for (;;) {
    const done = Atomics.load(lane.control, Control.Done);
    if (done === lane.posted) break;
    if (Atomics.wait(lane.control, Control.Done, done, JOB_TIMEOUT_MS) === 'timed-out') {
      return new Error(`no answer within ${JOB_TIMEOUT_MS / 1000} s`);
    }
  }
  if (Atomics.load(lane.control, Control.Failed) === 0) return undefined;
  const end = lane.error.indexOf(0);
  return new Error(new TextDecoder().decode(lane.error.slice(0, end < 0 ? undefined : end)));
}

/**
 * Runs each job on its lane (null = this thread), all at once, and returns their results in
 * order: one call of a fused kernel, sliced by batch rows (counted once in `fusedKernelCalls`).
 * A job whose lane is gone (its worker exited, or threads were restarted) runs on this thread:
 * every buffer lives in the one shared memory. Jobs writing the same array object (a layer's
 * weights, in every slice) share one copy of it.
 */
export function runKernelJobs(
  work: ReadonlyArray<{ readonly job: KernelJob; readonly lane: Lane | null }>,
): Array<KernelJobResult & KeptSlice> {
  const first = work[0]?.job;
  if (first !== undefined) for (const call of jobCalls(first)) countCall(call.fn);
  const module = fusedRnnModule();
  const current = pool();
  const lanes = work.map(({ lane }) =>
    lane !== null && lane.alive && current?.lanes.includes(lane) === true ? lane : null,
  );
  // Workers' jobs first: each starts while this thread prepares the next one, and its own.
  const order = [...lanes.keys()].sort(
    (i, j) => Number(lanes[i] === null) - Number(lanes[j] === null),
  );
  const prepared: Array<PreparedJob | undefined> = [];
  const written = new Map<Float32Array, number>();
  let invalid: unknown;
  let failure: unknown;
  for (const i of order) {
    try {
      prepared[i] = module.prepare(work[i]!.job, written);
    } catch (error) {
      invalid = error;
      break;
    }
    const lane = lanes[i]!;
    if (lane !== null) {
      post(current!, lane, prepared[i]!);
      continue;
    }
    try {
      prepared[i]!.runHere();
    } catch (error) {
      failure ??= error;
    }
  }
  lanes.forEach((lane, i) => {
    if (lane !== null && prepared[i] !== undefined) failure ??= awaitDone(lane);
  });
  const results = prepared.map((job, i) =>
    job === undefined ? undefined : { ...job.finish(), lane: lanes[i]!, module },
  );
  if (invalid !== undefined || failure !== undefined) {
    for (const r of results) if (r !== undefined) releaseSlice(r);
    if (invalid !== undefined) throw invalid;
    throw new Error(`fused kernel job failed: ${(failure as Error).message ?? String(failure)}`);
  }
  return results as Array<KernelJobResult & KeptSlice>;
}

/** The kernel threads: how many (this one included), and how many jobs the workers ran. */
export function kernelThreadStats(): { threads: number; workerJobs: number } {
  return { threads: kernelThreadCount(), workerJobs: pool()?.workerJobs ?? 0 };
}

/** Frees what a slice's job kept. */
export function releaseSlice(slice: KeptSlice): void {
  if (slice.handle !== 0) slice.module.release(slice.handle);
}

/** Frees a training forward's kept slices (on every thread) if its gradient never runs. */
const orphanedSlices = new FinalizationRegistry<KeptSlice[]>((slices) => {
  for (const slice of slices) releaseSlice(slice);
});

/** True while tfjs records gradients: a fused forward must then keep its activations. */
export function isTapeOn(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/** Unclaimed kept activations, with the gradient tape (tfjs' `activeTape` array) they belong to. */
const pendingGradients = new Set<{ tape: unknown; release(): void }>();

/** tfjs' engine state: one tape array per top-level gradient computation (nested ones share it). */
function activeTape(): unknown {
  return (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape;
}

/**
 * Holds what a forward's slices kept for its gradient (`recorded`: gradients were being recorded,
 * so the slices kept their activations): `claim()` hands them over once (a second claim, or one
 * after an unrecorded forward, throws, naming `op`). Unclaimed activations are released when a
 * later forward records on a new tape (tfjs ran the earlier tape's backward pass, or never will:
 * an output that did not reach the loss), or failing that when the forward is garbage collected.
 */
export function keepForGradient(
  op: string,
  slices: KeptSlice[],
  recorded: boolean,
): { claim(): KeptSlice[] } {
  let claimed = false;
  let released = false;
  const tape = activeTape();
  if (recorded) {
    for (const entry of pendingGradients) if (entry.tape !== tape) entry.release();
  }
  const entry = {
    tape,
    release(): void {
      pendingGradients.delete(entry);
      orphanedSlices.unregister(holder);
      released = true;
      for (const slice of slices) releaseSlice(slice);
    },
  };
  const holder = {
    claim(): KeptSlice[] {
      if (!recorded) throw new Error(`${op}: the forward kept nothing for a gradient`);
      if (claimed) throw new Error(`${op}: gradient requested twice for one forward`);
      if (released) {
        throw new Error(`${op}: gradient requested after a newer gradient computation began`);
      }
      if (slices.some((slice) => slice.module !== fusedRnnModule())) {
        throw new Error(
          `${op}: fused kernel threads were started (initBackend with another thread count) between a forward and its gradient`,
        );
      }
      claimed = true;
      pendingGradients.delete(entry);
      orphanedSlices.unregister(holder);
      return slices;
    },
  };
  if (recorded) {
    orphanedSlices.register(holder, slices, holder);
    pendingGradients.add(entry);
  }
  return holder;
}
