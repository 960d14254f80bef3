import type * as NodeWorkerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { importNodeBuiltin } from '../js-runtime.js';
import { countCall, fusedRnnModule } from './fused-rnn-module.js';
import { createKernelHost, jobCalls, type KernelJob, type KernelJobResult } from './kernel-host.js';

/**
 * Worker threads for the fused kernels (Node.js): each holds its own instance of the kernel
 * module and runs {@link KernelJob}s on its slice of a batch while the calling thread runs its
 * own slice. The calling thread blocks until they finish (`Atomics.wait`, allowed on Node's main
 * thread), so the kernels stay synchronous tfjs ops.
 */
export interface Lane {
  readonly worker: NodeWorkerThreads.Worker;
  readonly port: NodeWorkerThreads.MessagePort;
  /** 0 while a job runs; the worker sets 1 (and notifies) when its answer is posted. */
  readonly flag: Int32Array;
  /** False once the worker exited (crashed, or terminated): new work stays off this lane. */
  alive: boolean;
}

interface Pool {
  readonly lanes: Lane[];
  readonly receive: typeof NodeWorkerThreads.receiveMessageOnPort;
  /** Jobs the workers ran (diagnostics: did the threads take part?). */
  workerJobs: number;
}

/** Where a slice's kept buffers live: on this thread (lane null) or a worker. */
export interface KeptSlice {
  readonly lane: Lane | null;
  readonly handle: number;
}

const POOL_KEY = Symbol.for('@seqpipe/backend/fused-kernel-threads');
const START_TIMEOUT_MS = 20_000;

function pool(): Pool | undefined {
  return (globalThis as unknown as Record<symbol, Pool | undefined>)[POOL_KEY];
}

function setPool(value: Pool | undefined): void {
  (globalThis as unknown as Record<symbol, Pool | undefined>)[POOL_KEY] = value;
}

/** The source a worker runs: the same job runner as this thread, over its own instance. */
function workerSource(): string {
  // __name: the helper esbuild's keepNames (tsx, vitest) wraps named arrow functions in.
  return `'use strict';
const __name = (target) => target;
const { workerData } = require('node:worker_threads');
const createKernelHost = (${createKernelHost.toString()});
const { module, port, flag } = workerData;
const host = createKernelHost(new WebAssembly.Instance(module, {}).exports);
const done = () => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
port.on('message', (message) => {
  if (message.release !== undefined) { host.release(message.release); return; }
  if (message.liveBytes === true) { port.postMessage({ liveBytes: host.liveBytes() }); done(); return; }
  try {
    const run = host.run(message.job);
    const result = { handle: run.handle, outputs: run.outputs.map((o) => o.slice()) };
    port.postMessage(result, result.outputs.map((o) => o.buffer));
  } catch (error) {
    port.postMessage({ error: String((error && error.message) || error) });
  }
  done();
});
done();
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
  const module = fusedRnnModule().compiled;
  const source = workerSource();
  const lanes: Lane[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new wt.MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const worker = new wt.Worker(source, {
        eval: true,
        execArgv: [],
        workerData: { module, port: port2, flag },
        transferList: [port2],
      });
      const lane: Lane = { worker, port: port1, flag, alive: true };
      lanes.push(lane);
      worker.once('exit', () => (lane.alive = false));
      worker.unref();
      port1.unref();
      let failure: unknown;
      worker.once('error', (error) => (failure = error));
      const started = Date.now();
      while (Atomics.load(flag, 0) === 0) {
        if (failure !== undefined) throw failure;
        if (Date.now() - started > START_TIMEOUT_MS) throw new Error('start-up timed out');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
  } catch (error) {
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    throw error;
  }
  setPool({ lanes, receive: wt.receiveMessageOnPort, workerJobs: 0 });
}

/** Where the slices of a batch split `parts` ways run: this thread first, then workers. */
export function kernelLanes(parts: number): Array<Lane | null> {
  const lanes = pool()?.lanes.filter((lane) => lane.alive) ?? [];
  if (parts - 1 > lanes.length) throw new Error('kernelLanes: more parts than kernel threads');
  return [null, ...lanes.slice(0, parts - 1)];
}

/** A slice far bigger than any batch seqpipe trains takes seconds; no answer by then = lost. */
const JOB_TIMEOUT_MS = 120_000;

/**
 * Runs each job on its lane (null = this thread), all at once, and returns their results in
 * order: one call of a fused kernel, sliced by batch rows (counted once in `fusedKernelCalls`).
 * A gradient's jobs go to the lanes of their forward (`use` names buffers kept there).
 */
export function runKernelJobs(
  work: ReadonlyArray<{ readonly job: KernelJob; readonly lane: Lane | null }>,
): Array<KernelJobResult & KeptSlice> {
  const first = work[0]?.job;
  if (first !== undefined) for (const call of jobCalls(first)) countCall(call.fn);
  const current = pool();
  for (const { job, lane } of work) {
    if (lane === null) continue;
    if (current === undefined || !current.lanes.includes(lane)) {
      throw new Error(
        'fused kernel threads were restarted (initBackend with another thread count) between a forward and its gradient',
      );
    }
    if (!lane.alive) {
      throw new Error(
        'a fused-kernel worker thread exited between a forward and its gradient (out of memory?); run the step again',
      );
    }
    // Compact copies, moved to the worker: a view would clone its whole underlying buffer.
    const write = Object.fromEntries(
      Object.entries(job.write ?? {}).map(([name, data]) => [name, data.slice()]),
    );
    Atomics.store(lane.flag, 0, 0);
    lane.port.postMessage(
      { job: { ...job, write } },
      Object.values(write).map((data) => data.buffer),
    );
    current.workerJobs++;
  }
  const results: Array<KernelJobResult & KeptSlice> = [];
  let failure: unknown;
  for (const { job, lane } of work) {
    if (lane !== null) continue;
    try {
      results[work.findIndex((w) => w.job === job)] = { ...fusedRnnModule().run(job), lane };
    } catch (error) {
      failure ??= error;
    }
  }
  work.forEach(({ lane }, index) => {
    if (lane === null || current === undefined) return;
    const answer = awaitAnswer(current, lane) as KernelJobResult | { error: string } | undefined;
    if (answer === undefined) failure ??= new Error(`no answer within ${JOB_TIMEOUT_MS / 1000} s`);
    else if ('error' in answer) failure ??= new Error(answer.error);
    else results[index] = { ...answer, lane };
  });
  if (failure !== undefined) {
    for (const r of results) if (r !== undefined) releaseSlice(r);
    throw new Error(`fused kernel job failed: ${(failure as Error).message ?? String(failure)}`);
  }
  return results;
}

/** Blocks until `lane` answers a message; returns the answer (undefined after a timeout). */
function awaitAnswer(current: Pool, lane: Lane): unknown {
  for (;;) {
    if (Atomics.wait(lane.flag, 0, 0, JOB_TIMEOUT_MS) === 'timed-out') return undefined;
    const message = current.receive(lane.port);
    if (message !== undefined) return message.message;
  }
}

/**
 * The kernel threads' state: how many (this one included), how many jobs the workers ran, and
 * the bytes each worker's kernel module holds (leak checks: it returns to its baseline once
 * every gradient ran or its forward was collected).
 */
export function kernelThreadStats(): {
  threads: number;
  workerJobs: number;
  workerLiveBytes: number[];
} {
  const current = pool();
  if (current === undefined) return { threads: 1, workerJobs: 0, workerLiveBytes: [] };
  const workerLiveBytes = current.lanes.map((lane) => {
    if (!lane.alive) return Number.NaN;
    Atomics.store(lane.flag, 0, 0);
    lane.port.postMessage({ liveBytes: true });
    const answer = awaitAnswer(current, lane) as { liveBytes: number } | undefined;
    return answer?.liveBytes ?? Number.NaN;
  });
  return { threads: kernelThreadCount(), workerJobs: current.workerJobs, workerLiveBytes };
}

/** Frees what a slice's job kept (on its thread). */
export function releaseSlice(slice: KeptSlice): void {
  if (slice.handle === 0) return;
  if (slice.lane === null) fusedRnnModule().release(slice.handle);
  else slice.lane.port.postMessage({ release: slice.handle });
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
