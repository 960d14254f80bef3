/**
 * One fused-kernel call on one slice of a batch, as plain data: which buffers to create in the
 * kernel module's memory (filled from arrays, zeroed, or left uninitialized), which C function to
 * call with which arguments, what to copy back out, and which buffers to keep for a later job
 * (a training forward keeps its activations for the backward). The same job runs on the main
 * thread's module or, with its buffers prepared here, on a worker thread sharing its memory.
 */
export interface KernelJob {
  /** Buffers created from these values. */
  readonly write?: Readonly<Record<string, Float32Array>>;
  /** Buffers of this many float32 zeros. */
  readonly zero?: Readonly<Record<string, number>>;
  /** Buffers of this many float32s, uninitialized. */
  readonly alloc?: Readonly<Record<string, number>>;
  /** Buffers kept by an earlier job (its handle), usable by name here. */
  readonly use?: number;
  /** The C function(s) to call, in order. */
  readonly call: KernelCall | readonly KernelCall[];
  /** Copied out after the call, in this order: [buffer, first float, float count]. */
  readonly read?: ReadonlyArray<readonly [string, number, number]>;
  /** Buffers (of this job or of `use`) kept under the returned handle; all others are freed. */
  readonly keep?: readonly string[];
}

/** A C function and its arguments: numbers as they are, strings name a buffer (its pointer). */
export interface KernelCall {
  readonly fn: string;
  readonly args: ReadonlyArray<number | string>;
}

/** The calls of a job, in order. */
export function jobCalls(job: KernelJob): readonly KernelCall[] {
  return Array.isArray(job.call) ? job.call : [job.call as KernelCall];
}

/**
 * What a job gives back: the `read` arrays, and the handle of its kept buffers (0 = none). From
 * {@link KernelHost.run} the arrays are views of the module's memory, valid until the next job
 * on that module (no copy; a worker copies them to post them).
 */
export interface KernelJobResult {
  readonly handle: number;
  readonly outputs: Float32Array[];
}

/** A job ready to run: its calls with buffer names resolved to pointers. */
export interface PreparedJob {
  /** [C function, arguments] in order. */
  readonly calls: ReadonlyArray<readonly [string, readonly number[]]>;
  /** Runs the calls on this thread's instance (a worker runs them on its own instead). */
  runHere(): void;
  /** After the calls ran: the outputs (views) and the kept buffers' handle; frees the rest. */
  finish(): KernelJobResult;
}

/** The C functions of csrc/fused_rnn.c (pointers are byte offsets into `memory`). */
export interface FusedRnnExports {
  readonly memory: WebAssembly.Memory;
  readonly __heap_base: WebAssembly.Global;
  readonly [fn: string]: unknown;
}

/** An instance of the fused-kernel module with a first-fit allocator over its memory. */
export interface KernelHost {
  readonly exports: FusedRnnExports;
  /** Reserves `floats` float32s; returns the byte offset. */
  alloc(floats: number): number;
  free(ptr: number): void;
  /** A view of `floats` float32s at `ptr` (views die when memory grows: make them after allocating). */
  view(ptr: number, floats: number): Float32Array;
  /** Allocates and fills a buffer. */
  put(data: ArrayLike<number>): number;
  /** Bytes held by live blocks (for leak checks). */
  liveBytes(): number;
  /**
   * Allocates and fills a job's buffers and resolves its calls' arguments, for a thread sharing
   * this memory to run (kernel-threads.ts); `finish()` after the calls ran. Jobs prepared with
   * the same `written` map share one copy of a written array they pass as the same object (the
   * kernels never write into their inputs); it is freed when the last of them frees it.
   */
  prepare(job: KernelJob, written?: Map<Float32Array, number>): PreparedJob;
  /** Runs a job; its outputs are views valid until the next job on this module. */
  run(job: KernelJob): KernelJobResult;
  /** Frees what a job kept. */
  release(handle: number): void;
}

/**
 * Wraps an instance's exports (one allocator per memory: with the threaded build, the calling
 * thread's host allocates for every thread).
 */
export function createKernelHost(exports: FusedRnnExports): KernelHost {
  const PAGE = 65536;
  const ALIGN = 16;
  const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
  const base = align(Number(exports.__heap_base.value));
  /** Live blocks, sorted by offset: [offset, bytes]. */
  const blocks: Array<[number, number]> = [];
  const kept = new Map<number, Record<string, number>>();
  let nextHandle = 1;

  const alloc = (floats: number): number => {
    const bytes = align(Math.max(1, floats) * 4);
    let at = base;
    let index = 0;
    for (; index < blocks.length; index++) {
      const block = blocks[index] as [number, number];
      if (block[0] - at >= bytes) break;
      at = align(block[0] + block[1]);
    }
    const end = at + bytes;
    const memory = exports.memory;
    if (end > memory.buffer.byteLength) {
      try {
        memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      } catch (error) {
        const mb = (n: number) => `${Math.ceil(n / 2 ** 20)} MB`;
        throw new Error(
          `the fused kernels' memory cannot hold ${mb(bytes)} more (${mb(liveBytes())} in use, ` +
            `${error instanceof Error ? error.message : String(error)}): train or predict with a ` +
            `smaller batch, or shorter sequences`,
          { cause: error },
        );
      }
    }
    blocks.splice(index, 0, [at, bytes]);
    return at;
  };
  /** Extra owners of a block (jobs sharing a written array): freed when the last one frees it. */
  const owners = new Map<number, number>();
  const free = (ptr: number): void => {
    const extra = owners.get(ptr);
    if (extra !== undefined) {
      if (extra > 1) owners.set(ptr, extra - 1);
      else owners.delete(ptr);
      return;
    }
    const index = blocks.findIndex((block) => block[0] === ptr);
    if (index >= 0) blocks.splice(index, 1);
  };
  const view = (ptr: number, floats: number): Float32Array =>
    new Float32Array(exports.memory.buffer, ptr, floats);
  const put = (data: ArrayLike<number>): number => {
    const ptr = alloc(data.length);
    view(ptr, data.length).set(data);
    return ptr;
  };
  const release = (handle: number): void => {
    const buffers = kept.get(handle);
    if (buffers === undefined) return;
    kept.delete(handle);
    for (const ptr of Object.values(buffers)) free(ptr);
  };
  const prepare = (job: KernelJob, written?: Map<Float32Array, number>): PreparedJob => {
    const own: Record<string, number> = {};
    const added: Float32Array[] = [];
    /** Frees what this job allocated so far (a job that cannot run leaves nothing behind). */
    const undo = (): void => {
      for (const ptr of Object.values(own)) free(ptr);
      for (const data of added) written?.delete(data);
    };
    try {
      for (const [name, data] of Object.entries(job.write ?? {})) {
        const ptr = written?.get(data);
        if (ptr === undefined) {
          own[name] = put(data);
          written?.set(data, own[name]);
          added.push(data);
        } else {
          own[name] = ptr;
          owners.set(ptr, (owners.get(ptr) ?? 0) + 1);
        }
      }
      for (const [name, floats] of Object.entries(job.zero ?? {})) {
        own[name] = alloc(floats);
        view(own[name], floats).fill(0);
      }
      for (const [name, floats] of Object.entries(job.alloc ?? {})) own[name] = alloc(floats);
    } catch (error) {
      undo();
      throw error;
    }
    const usedEntry = job.use === undefined ? undefined : kept.get(job.use);
    const used = usedEntry ?? {};
    if (job.use !== undefined) kept.delete(job.use);
    const all: Record<string, number> = { ...used, ...own };
    let calls: Array<[string, number[]]>;
    try {
      calls = (Array.isArray(job.call) ? job.call : [job.call]).map((call: KernelCall) => {
        if (typeof exports[call.fn] !== 'function') {
          throw new Error(`kernel job: no function ${call.fn}`);
        }
        const args = call.args.map((arg) => {
          if (typeof arg === 'number') return arg;
          const ptr = all[arg];
          if (ptr === undefined) throw new Error(`kernel job: no buffer named ${arg}`);
          return ptr;
        });
        return [call.fn, args];
      });
    } catch (error) {
      undo();
      if (usedEntry !== undefined) kept.set(job.use!, usedEntry);
      throw error;
    }
    const finish = (): KernelJobResult => {
      // Views: the buffers freed below keep their values until the next job allocates.
      const outputs = (job.read ?? []).map(([name, first, floats]) =>
        view((all[name] as number) + first * 4, floats),
      );
      const keep = new Set(job.keep ?? []);
      const keptHere: Record<string, number> = {};
      for (const [name, ptr] of Object.entries(all)) {
        if (keep.has(name)) keptHere[name] = ptr;
        else free(ptr);
      }
      let handle = 0;
      if (keep.size > 0) {
        handle = nextHandle++;
        kept.set(handle, keptHere);
      }
      return { handle, outputs };
    };
    const runHere = (): void => {
      for (const [fn, args] of calls) (exports[fn] as (...a: number[]) => void)(...args);
    };
    return { calls, runHere, finish };
  };
  const run = (job: KernelJob): KernelJobResult => {
    const prepared = prepare(job);
    prepared.runHere();
    return prepared.finish();
  };
  const liveBytes = (): number => blocks.reduce((sum, block) => sum + block[1], 0);
  return { exports, alloc, free, view, put, liveBytes, prepare, run, release };
}
