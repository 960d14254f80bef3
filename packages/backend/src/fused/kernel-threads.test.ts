import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers'; // also registers the gradients tf.grads needs in Node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { fuseModel, fuseRecurrent } from './fuse-recurrent.js';
import { fusedLstm } from './fused-lstm.js';
import { fusedRnnModule } from './fused-rnn-module.js';
import { fusedGru, fusedSimpleRnn } from './fused-single-state-rnn.js';
import {
  kernelLanes,
  runKernelJobs,
  kernelThreadCount,
  kernelThreadStats,
  keepForGradient,
  startKernelThreads,
  stopKernelThreads,
} from './kernel-threads.js';

type Cell = 'lstm' | 'gru' | 'simpleRnn';
const GATES: Record<Cell, number> = { lstm: 4, gru: 3, simpleRnn: 1 };
// Big enough that the kernels split the batch (see batch-split.ts), small enough to be quick.
const [B, T, E, H] = [16, 64, 32, 48];

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
}

/** Outputs and every gradient of one call, as plain numbers. */
function run(cell: Cell, variant: 'seq-mask-state' | 'last-backwards'): number[][] {
  return tf.tidy(() => {
    const G = GATES[cell] * H;
    const x = rand([B, T, E], 1);
    const w = rand([E, G], 2);
    const u = rand([H, G], 3);
    const b = rand([G], 4);
    const h0 = rand([B, H], 5);
    const c0 = rand([B, H], 6);
    const lengths = Array.from({ length: B }, (_, i) => (i * 7) % (T + 1));
    const mask = tf.tensor2d(
      lengths.flatMap((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0))),
      [B, T],
    );
    const seq = variant === 'seq-mask-state';
    const options = seq ? { returnSequences: true, mask } : { goBackwards: true };
    const f = (...args: tf.Tensor[]): tf.Tensor => {
      const [xa, wa, ua, ba, ha, ca] = args as [
        tf.Tensor3D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor1D,
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      const states = seq ? ha : null;
      const r =
        cell === 'lstm'
          ? fusedLstm(xa, wa, ua, ba, states, seq ? ca : null, options)
          : (cell === 'gru' ? fusedGru : fusedSimpleRnn)(xa, wa, ua, ba, states, options);
      // A weighted sum, so every output element gets its own gradient.
      return tf.sum(
        tf.mul(r.output, tf.sin(tf.reshape(tf.range(0, r.output.size), r.output.shape))),
      );
    };
    // Only what the call uses: tf.grads refuses inputs the result does not depend on.
    const inputs = [x, w, u, b, ...(seq ? [h0] : []), ...(seq && cell === 'lstm' ? [c0] : [])];
    const { value, grads } = tf.valueAndGrads(f)(inputs);
    return [[value.dataSync()[0]!], ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

/**
 * Rows are computed identically on any thread; weight gradients are summed per slice, so they
 * differ by rounding, relative to the array's scale (sums of many terms of either sign).
 */
function expectClose(got: number[][], want: number[][]): void {
  expect(got.map((a) => a.length)).toEqual(want.map((a) => a.length));
  for (let k = 0; k < want.length; k++) {
    const scale = Math.max(1, ...want[k]!.map(Math.abs));
    for (let i = 0; i < want[k]!.length; i++) {
      expect(Math.abs(got[k]![i]! - want[k]![i]!)).toBeLessThanOrEqual(1e-5 * scale);
    }
  }
}

describe('fused kernels on worker threads (batch split across threads)', () => {
  beforeAll(async () => {
    await initBackend({ type: 'wasm', threads: 1 });
  });
  afterAll(async () => {
    await stopKernelThreads();
  });

  it.each([
    ['lstm', 'seq-mask-state'],
    ['lstm', 'last-backwards'],
    ['gru', 'seq-mask-state'],
    ['gru', 'last-backwards'],
    ['simpleRnn', 'seq-mask-state'],
    ['simpleRnn', 'last-backwards'],
  ] as const)('%s (%s): 2 threads give the 1-thread results', async (cell, variant) => {
    await stopKernelThreads();
    const one = run(cell, variant);
    await startKernelThreads(2);
    const stats = kernelThreadStats();
    const mainLive = fusedRnnModule().liveBytes();
    const tensors = tf.memory().numTensors;
    const two = run(cell, variant);
    expect(tf.memory().numTensors).toBe(tensors);
    const after = kernelThreadStats();
    expect(after.threads).toBe(2);
    // One forward and one backward job on the worker.
    expect(after.workerJobs - stats.workerJobs).toBe(2);
    // Nothing kept once the gradient ran (every thread's buffers are in the one shared memory).
    expect(fusedRnnModule().liveBytes()).toBe(mainLive);
    expectClose(two, one);
  });

  it('keeps small calls on the calling thread', async () => {
    await startKernelThreads(2);
    const before = kernelThreadStats().workerJobs;
    tf.tidy(() => {
      const r = fusedLstm(
        rand([4, 5, 3], 1) as tf.Tensor3D,
        rand([3, 8], 2) as tf.Tensor2D,
        rand([2, 8], 3) as tf.Tensor2D,
        null,
      );
      r.output.dataSync();
    });
    expect(kernelThreadStats().workerJobs).toBe(before);
  });

  it('keeps working on the calling thread when a worker exits', async () => {
    await stopKernelThreads();
    await startKernelThreads(2);
    const one = run('gru', 'last-backwards');
    const lane = kernelLanes(2)[1]!;
    await lane.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve)); // the 'exit' event
    expect(kernelThreadCount()).toBe(1);
    const before = kernelThreadStats().workerJobs;
    expectClose(run('gru', 'last-backwards'), one);
    expect(kernelThreadStats().workerJobs).toBe(before);
    await stopKernelThreads();
  });

  it('initBackend runs the kernels on its thread count (Node.js) and stops them with 1', async () => {
    await stopKernelThreads();
    const info = await initBackend({ type: 'wasm', threads: 2 });
    expect(info.fallbackReason).toBeUndefined();
    expect(kernelThreadStats().threads).toBe(2);
    await initBackend({ type: 'wasm', threads: 1 });
    expect(kernelThreadStats().threads).toBe(1);
  });

  it('frees the activations of a recorded forward whose output never reached the loss', async () => {
    await startKernelThreads(2);
    const w = tf.variable(rand([E, 4 * H], 2));
    const live = fusedRnnModule().liveBytes();
    const forward = () =>
      tf.tidy(() => {
        const x = rand([B, T, E], 1) as tf.Tensor3D;
        const u = rand([H, 4 * H], 3) as tf.Tensor2D;
        return fusedLstm(x, w as unknown as tf.Tensor2D, u, null).output;
      });
    // The loss ignores the LSTM: tfjs never asks for its gradient, its slices keep their activations.
    tf.dispose(tf.variableGrads(() => tf.add(tf.sum(w), tf.mul(tf.sum(forward()), 0)), [w]).grads);
    tf.dispose(
      tf.variableGrads(() => {
        forward().dispose();
        return tf.sum(w);
      }, [w]).grads,
    );
    expect(fusedRnnModule().liveBytes()).toBeGreaterThan(live);
    // The next recorded forward (a new gradient computation) frees them, every slice's.
    tf.dispose(tf.variableGrads(() => tf.sum(forward()), [w]).grads);
    expect(fusedRnnModule().liveBytes()).toBe(live);
    w.dispose();
    await stopKernelThreads();
  });
});

describe('fused kernel threads over one shared memory', () => {
  beforeAll(async () => {
    await initBackend({ type: 'wasm', threads: 1 });
  });
  afterAll(async () => {
    await stopKernelThreads();
  });

  it("reports a worker's failed job by its message, frees its buffers, and the lane keeps working", async () => {
    await startKernelThreads(2);
    const module = fusedRnnModule();
    const live = module.liveBytes();
    const lane = kernelLanes(2)[1]!;
    // A product whose output pointer lies far past the memory: the worker's call traps.
    const job = {
      write: { a: new Float32Array(4), b: new Float32Array(4) },
      call: { fn: 'matmul', args: [1, 1, 1, 'a', 0, 'b', 0, 0, 0x7fff0000, 0, 0, 1] },
    };
    expect(() => runKernelJobs([{ job, lane }])).toThrow(
      /fused kernel job failed: .*memory access out of bounds/,
    );
    expect(module.liveBytes()).toBe(live);
    const [result] = runKernelJobs([
      {
        lane,
        job: {
          write: { a: new Float32Array([1, 2]), b: new Float32Array([3, 4]) },
          alloc: { c: 1 },
          call: { fn: 'matmul', args: [1, 1, 2, 'a', 0, 'b', 0, 0, 'c', 0, 0, 1] },
          read: [['c', 0, 1]],
        },
      },
    ]);
    expect(Array.from(result!.outputs[0]!)).toEqual([11]);
    expect(result!.lane).toBe(lane);
  });

  it('a job that names no buffer throws, after the posted ones finished, and frees them all', async () => {
    await startKernelThreads(2);
    const module = fusedRnnModule();
    const live = module.liveBytes();
    const lane = kernelLanes(2)[1]!;
    const K = 1 << 16;
    const valid = {
      write: { a: new Float32Array(K).fill(1), b: new Float32Array(K).fill(1) },
      alloc: { c: 1 },
      call: { fn: 'matmul', args: [1, 1, K, 'a', 0, 'b', 0, 0, 'c', 0, 0, 1] },
      read: [['c', 0, 1] as const],
    };
    const invalid = { call: { fn: 'matmul', args: ['nowhere'] } };
    const jobs = kernelThreadStats().workerJobs;
    // The worker's job is prepared and posted first, then this thread's fails to prepare.
    expect(() =>
      runKernelJobs([
        { job: invalid, lane: null },
        { job: valid, lane },
      ]),
    ).toThrow('kernel job: no buffer named nowhere');
    expect(kernelThreadStats().workerJobs).toBe(jobs + 1);
    expect(module.liveBytes()).toBe(live);
    // The lane answers its next job.
    const [result] = runKernelJobs([{ job: valid, lane }]);
    expect(result!.outputs[0]![0]).toBe(K);
  });

  it('a worker computes in memory grown after it started', async () => {
    await startKernelThreads(2);
    const module = fusedRnnModule();
    const lane = kernelLanes(2)[1]!;
    const bytes = module.shared!.buffer.byteLength;
    // Operands as large as the memory the worker has seen so far: it must grow.
    const K = bytes / 4;
    const a = new Float32Array(K).fill(0.5);
    const b = new Float32Array(K).fill(2);
    const [result] = runKernelJobs([
      {
        lane,
        job: {
          write: { a, b },
          alloc: { c: 1 },
          call: { fn: 'matmul', args: [1, 1, K, 'a', 0, 'b', 0, 0, 'c', 0, 0, 1] },
          read: [['c', 0, 1]],
        },
      },
    ]);
    expect(module.shared!.buffer.byteLength).toBeGreaterThan(2 * bytes);
    expect(result!.outputs[0]![0]).toBe(K);
  });

  it('a gradient whose forward ran in another module (before threads started) says so', () => {
    const other = { ...fusedRnnModule() };
    const held = keepForGradient('fusedLstm', [{ lane: null, handle: 0, module: other }], true);
    expect(() => held.claim()).toThrow(
      /fusedLstm: fused kernel threads were started .* between a forward and its gradient/,
    );
  });
});

describe('training on 2 kernel threads for many steps', () => {
  afterAll(async () => {
    await stopKernelThreads();
  });

  it('an encoder-decoder keeps tensors, kernel buffers and the shared memory bounded', async () => {
    await startKernelThreads(2);
    const [B, S, T, V, U] = [16, 12, 14, 20, 48];
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
    const lstm = { units: U, recurrentActivation: 'sigmoid' } as const;
    const encoderInput = tfl.input({ shape: [S, V] });
    const [, h, c] = fuseRecurrent(
      tfl.layers.lstm({ ...lstm, returnState: true, kernelInitializer: init(1) }),
    ).apply(encoderInput) as tfl.SymbolicTensor[];
    const decoderInput = tfl.input({ shape: [T, V] });
    const decoded = fuseRecurrent(
      tfl.layers.lstm({ ...lstm, returnSequences: true, kernelInitializer: init(2) }),
    ).apply(decoderInput, { initialState: [h!, c!] }) as tfl.SymbolicTensor;
    const output = tfl.layers
      .dense({ units: V, activation: 'softmax', kernelInitializer: init(3) })
      .apply(decoded) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [encoderInput, decoderInput], outputs: output });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    fuseModel(model);
    const oneHot = (length: number, seed: number) =>
      tf.oneHot(tf.randomUniform([B, length], 0, V, 'int32', seed) as tf.Tensor2D, V);
    const xs = [oneHot(S, 1), oneHot(T, 2)];
    const y = oneHot(T, 3);
    const step = async () => (await model.trainOnBatch(xs, y)) as number;
    const first = await step();
    for (let i = 0; i < 2; i++) await step();
    const module = fusedRnnModule();
    const baseline = {
      tensors: tf.memory().numTensors,
      live: module.liveBytes(),
      memory: module.shared!.buffer.byteLength,
      jobs: kernelThreadStats().workerJobs,
    };
    let last = first;
    for (let i = 0; i < 30; i++) last = await step();
    expect(last).toBeLessThan(first);
    expect(kernelThreadStats().workerJobs - baseline.jobs).toBeGreaterThanOrEqual(30 * 4);
    expect(tf.memory().numTensors).toBe(baseline.tensors);
    expect(module.liveBytes()).toBe(baseline.live);
    expect(module.shared!.buffer.byteLength).toBe(baseline.memory);
    model.dispose();
    tf.dispose([...xs, y]);
  });
});
