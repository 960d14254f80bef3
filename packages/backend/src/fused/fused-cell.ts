import * as tf from '@tensorflow/tfjs-core';
import { kernelMask } from './fused-rnn-mask.js';
import {
  gradientReads,
  gradientTensors,
  sliceCount,
  splitRows,
  tensorFromBlocks,
  type FusedDims,
} from './batch-split.js';
import { heapValues } from './heap-values.js';
import { planInput } from './fused-input.js';
import type { KernelJob } from './kernel-host.js';
import {
  isTapeOn,
  keepForGradient,
  kernelLanes,
  runKernelJobs,
  type KeptSlice,
  type Lane,
} from './kernel-threads.js';

/** Options of a fused recurrent call (LSTM, GRU, SimpleRNN). */
export interface FusedCellOptions {
  /** Return the whole output sequence `[batch, time, units]` instead of the last `[batch, units]`. */
  returnSequences?: boolean;
  /** Process the sequence from the last step to the first (Keras `go_backwards`). */
  goBackwards?: boolean;
  /**
   * `[batch, time]`, any dtype, nonzero = run the step (tfjs-layers' `mask`): at a masked step
   * the states carry over unchanged and the step's output is the previous `h`; reversed with
   * the input under `goBackwards`. Gets no gradient. Null or absent = every step runs.
   */
  mask?: tf.Tensor | null;
}

/** What a slice's call gets: its rows, the call's shapes and buffer names to pass. */
interface SliceCall {
  /** Rows of the slice. */
  n: number;
  dims: FusedDims;
  /** The C functions' `x` (0: the projection is already in place) and `mask` arguments. */
  x: string | 0;
  mask: string | 0;
  seq: boolean;
}

/**
 * One cell type's C functions (csrc/fused_rnn.c) and the buffers they take. Every cell's forward
 * and backward share the leading arguments `T, n, E, H, x, w, u` and the outputs: the sequence
 * (when `returnSequences`) and the final states, `h` (and `c`).
 */
export interface CellKernel {
  /** The op's name in messages. */
  readonly name: string;
  /** Gate blocks per unit (4 LSTM, 3 GRU, 1 SimpleRNN); `kernel` is `[inputDim, gates·units]`. */
  readonly gates: number;
  /** State tensors: 2 for an LSTM (h, c), 1 otherwise. */
  readonly states: 1 | 2;
  readonly forwardFn: string;
  readonly backwardFn: string;
  /** Buffers the forward allocates. */
  buffers(c: SliceCall): Record<string, number>;
  /** What the backward reads of the forward's buffers (besides the input's, `w`, `u`, `mask`). */
  readonly keep: readonly string[];
  /** The forward's arguments after `T, n, E, H, x, w, u, b`. */
  forwardArgs(c: SliceCall): Array<number | string>;
  /** Reads of the sequence output (with `returnSequences`). */
  sequenceRead(c: SliceCall): readonly [string, number, number];
  /** Reads of each final state, per state (a state may come in several pieces, by row). */
  stateReads(c: SliceCall): Array<Array<readonly [string, number, number]>>;
  /** The backward's arguments after `T, n, E, H, x, w, u`. */
  backwardArgs(c: SliceCall, dx: string | 0): Array<number | string>;
  /** Float32s of the backward's scratch buffer. */
  scratch(c: SliceCall): number;
  /** The buffer the input projection `x·W + b` goes to, and its gradient after the backward. */
  readonly projection: string;
  readonly projectionGradient: string;
}

const STATE_NAMES = ['h', 'c'] as const;

/**
 * Runs `cell` over the whole sequence `x [B,T,E]` as one fused op, forward and (while gradients
 * are recorded) backward through time in one more, each split by batch rows over the kernel
 * threads. Returns the output (`[B,T,H]` with `returnSequences`, else `[B,H]`) and the final
 * states, each its own tensor. Differentiable in `x`, the weights and the given initial states.
 */
export function runFusedCell(
  cell: CellKernel,
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  initialStates: ReadonlyArray<tf.Tensor2D | null>,
  options: FusedCellOptions,
): { output: tf.Tensor; states: tf.Tensor2D[] } {
  const [B, T, E] = x.shape;
  const H = recurrentKernel.shape[0];
  const G = cell.gates * H;
  if (kernel.shape[0] !== E || kernel.shape[1] !== G || recurrentKernel.shape[1] !== G) {
    throw new Error(
      `${cell.name}: kernel ${JSON.stringify(kernel.shape)} / recurrentKernel ` +
        `${JSON.stringify(recurrentKernel.shape)} do not fit input dim ${E} and ${H} units`,
    );
  }
  const dims: FusedDims = { T, E, H, G };
  const seq = options.returnSequences === true;
  const S = seq ? T : 1;
  const tape = isTapeOn();
  const mask = kernelMask(cell.name, options.mask ?? null, B, T, options.goBackwards === true);
  const stateNames = STATE_NAMES.slice(0, cell.states);
  // Without initial states, zeros are written straight into the kernel's memory and the states
  // are no op inputs (tensors less each way: per-call overhead rules tiny shapes).
  const hasState = initialStates.some((s) => s !== null);
  const states = hasState ? cell.states : 0;
  return tf.tidy(() => {
    const b = bias ?? tf.zeros([G]);
    const slices = splitRows(B, sliceCount(B, T, E, H, cell.gates));
    const lanes = kernelLanes(slices.length);
    const input = planInput(x, options.goBackwards === true, slices, G);
    const call = (n: number, x: string | 0): SliceCall => ({
      n,
      dims,
      x,
      mask: mask === null ? 0 : 'mask',
      seq,
    });
    const inputs: tf.NamedTensorMap = { x: input.tensor, kernel, recurrentKernel, bias: b };
    if (hasState) {
      stateNames.forEach((name, k) => (inputs[`${name}0`] = initialStates[k] ?? tf.zeros([B, H])));
    }
    // What the forward's slices kept for the gradient (set when the forward runs).
    let held: { claim(): KeptSlice[] } | undefined;
    const forwardFunc = (): tf.Tensor[] => {
      // Views of tfjs' heap: read (copied into the jobs) before any other tfjs op runs.
      const xData = heapValues(input.tensor);
      const w = heapValues(kernel);
      const u = heapValues(recurrentKernel);
      const bData = heapValues(b);
      const stateData = stateNames.slice(0, states).map((name) => heapValues(inputs[`${name}0`]!));
      // Each slice of rows runs the whole sequence on its own thread (rows are independent).
      // `pieces`: how many reads make up each final state (a state may be read row by row).
      const forward = slices.map(
        ([s, n], i): { job: KernelJob; lane: Lane | null; pieces: number[] } => {
          const rows = (data: Float32Array, width: number) =>
            data.subarray(s * width, (s + n) * width);
          const inputPart = input.forward(i, xData, cell.projection);
          const c = call(n, inputPart.x);
          const stateReads = cell.stateReads(c);
          return {
            lane: lanes[i] ?? null,
            pieces: stateReads.map((reads) => reads.length),
            job: {
              write: {
                ...inputPart.write,
                w,
                u,
                b: bData,
                ...Object.fromEntries(
                  stateData.map((data, k) => [`${stateNames[k]}0`, rows(data, H)]),
                ),
                ...(mask === null ? {} : { mask: rows(mask, T) }),
              },
              ...(hasState
                ? {}
                : { zero: Object.fromEntries(stateNames.map((name) => [`${name}0`, n * H])) }),
              alloc: { ...cell.buffers(c), ...inputPart.alloc },
              call: [
                ...inputPart.calls,
                {
                  fn: cell.forwardFn,
                  args: [T, n, E, H, inputPart.x, 'w', 'u', 'b', ...cell.forwardArgs(c)],
                },
              ],
              read: [...(seq ? [cell.sequenceRead(c)] : []), ...stateReads.flat()],
              keep: tape
                ? [...inputPart.keep, 'w', 'u', ...cell.keep, ...(mask === null ? [] : ['mask'])]
                : [],
            },
          };
        },
      );
      const results = runKernelJobs(forward);
      // Per slice, the row blocks of each output: the sequence (the last step's h without
      // returnSequences), then each final state (possibly read in several pieces).
      const blocks = results.map((result, i) => {
        const outputs = result.outputs.slice();
        const sequence = seq ? [outputs.shift()!] : null;
        const finals = forward[i]!.pieces.map((count) => outputs.splice(0, count));
        return [sequence ?? finals[0]!, ...finals];
      });
      held = keepForGradient(cell.name, results, tape);
      const shapes = [seq ? [B, S, H] : [B, H], ...stateNames.map(() => [B, H])];
      // Slices follow each other by rows, so each output's blocks are all slices' in order.
      return shapes.map((shape, k) =>
        tensorFromBlocks(
          blocks.flatMap((parts) => parts[k]!),
          shape,
        ),
      );
    };
    const backwardsFunc = (dys: tf.Tensor | tf.Tensor[]): Record<string, () => tf.Tensor> => {
      const [dy, ...dStates] = Array.isArray(dys) ? dys : [dys];
      const kept = held!.claim();
      const d = heapValues(dy!);
      const dFinal = dStates.map((t) => heapValues(t));
      const backward = slices.map(([s, n], i): { job: KernelJob; lane: Lane | null } => {
        const inputPart = input.backward(i, cell.projectionGradient);
        const c = call(n, inputPart.x);
        return {
          lane: kept[i]!.lane,
          job: {
            use: kept[i]!.handle,
            write: {
              dy: d.subarray(s * S * H, (s + n) * S * H),
              ...Object.fromEntries(
                stateNames.map((name, k) => [`d${name}T`, dFinal[k]!.subarray(s * H, (s + n) * H)]),
              ),
            },
            alloc: {
              ...inputPart.alloc,
              dw: E * G,
              du: H * G,
              db: G,
              ...Object.fromEntries(stateNames.map((name) => [`d${name}0`, n * H])),
              scratch: cell.scratch(c),
            },
            call: [
              {
                fn: cell.backwardFn,
                args: [T, n, E, H, inputPart.x, 'w', 'u', ...cell.backwardArgs(c, inputPart.dx)],
              },
              ...inputPart.calls,
            ],
            read: [inputPart.read, ...gradientReads(n, dims, states)],
          },
        };
      });
      const grads = runKernelJobs(backward).map((r) => r.outputs);
      const tensors = gradientTensors(grads, input, B, dims, states);
      return Object.fromEntries(Object.keys(inputs).map((name, k) => [name, () => tensors[k]!]));
    };
    const [output, ...finalStates] = runCustomOp(forwardFunc, backwardsFunc, inputs);
    return { output: output!, states: finalStates as tf.Tensor2D[] };
  });
}

/**
 * Runs a differentiable op with several outputs: tfjs' engine function behind `tf.customGrad`,
 * which itself takes one output only. The fused cells return the sequence and each final state
 * as their own tensors (a packed output cost a `Slice` per part forward and a `PadV2` per part
 * back: ~0.9 ms of a seq2seq step). `backwardsFunc` gets one gradient per output (zeros for
 * outputs that did not reach the loss) and returns one gradient thunk per input name.
 */
function runCustomOp(
  forwardFunc: () => tf.Tensor[],
  backwardsFunc: (dys: tf.Tensor | tf.Tensor[]) => Record<string, () => tf.Tensor>,
  inputs: tf.NamedTensorMap,
): tf.Tensor[] {
  const engine = tf.engine() as unknown as {
    runKernelFunc(params: {
      forwardFunc: () => tf.Tensor[];
      backwardsFunc: typeof backwardsFunc;
      inputs: tf.NamedTensorMap;
    }): tf.Tensor[];
  };
  return engine.runKernelFunc({ forwardFunc, backwardsFunc, inputs });
}

/** Keras LSTM: gates i, f, c, o; states h, c. */
export const LSTM_CELL: CellKernel = {
  name: 'fusedLstm',
  gates: 4,
  states: 2,
  forwardFn: 'lstm_forward',
  backwardFn: 'lstm_backward',
  buffers: ({ n, dims: { T, H, G }, seq }) => ({
    gates: n * T * G,
    hseq: (T + 1) * n * H,
    cseq: (T + 1) * n * H,
    ...(seq ? { y: n * T * H } : {}),
    up: H * G,
  }),
  keep: ['gates', 'hseq', 'cseq'],
  // lstm_forward(..., h0, c0, mask, gates, hseq, cseq, y, up): up holds u's packed panels.
  forwardArgs: ({ mask, seq }) => ['h0', 'c0', mask, 'gates', 'hseq', 'cseq', seq ? 'y' : 0, 'up'],
  sequenceRead: ({ n, dims: { T, H } }) => ['y', 0, n * T * H],
  // hseq/cseq are [T+1, n, H]: the last step's block.
  stateReads: ({ n, dims: { T, H } }) => [
    [['hseq', T * n * H, n * H]],
    [['cseq', T * n * H, n * H]],
  ],
  // lstm_backward(..., mask, gates, hseq, cseq, dy, dy_seq, dhT, dcT, dx, dw, du, db, dh0, dc0, scratch)
  backwardArgs: ({ mask, seq }, dx) => [
    ...[mask, 'gates', 'hseq', 'cseq', 'dy', seq ? 1 : 0, 'dhT', 'dcT', dx],
    ...['dw', 'du', 'db', 'dh0', 'dc0', 'scratch'],
  ],
  scratch: ({ n, dims: { T, E, H, G } }) => Math.max(E, H) * (n * T + G) + G * H,
  // lstm_backward overwrites gates with dz.
  projection: 'gates',
  projectionGradient: 'gates',
};

/** Per-row reads of each row's last step from `hs [n, T, H]`. */
const lastSteps = (n: number, T: number, H: number): Array<readonly [string, number, number]> =>
  Array.from({ length: n }, (_, r) => ['hs', (r * T + T - 1) * H, H] as const);

/** Keras SimpleRNN (`tanh`). */
export const SIMPLE_RNN_CELL: CellKernel = {
  name: 'fusedSimpleRnn',
  gates: 1,
  states: 1,
  forwardFn: 'simple_rnn_forward',
  backwardFn: 'simple_rnn_backward',
  buffers: ({ n, dims: { T, H } }) => ({ hs: n * T * H, up: H * H }),
  keep: ['h0', 'hs'],
  // simple_rnn_forward(..., h0, mask, hs, up): up holds u's packed panels.
  forwardArgs: ({ mask }) => ['h0', mask, 'hs', 'up'],
  sequenceRead: ({ n, dims: { T, H } }) => ['hs', 0, n * T * H],
  stateReads: ({ n, dims: { T, H } }) => [lastSteps(n, T, H)],
  // simple_rnn_backward(..., h0, mask, hs, dy, dy_seq, dhT, dx, dw, du, db, dh0, scratch)
  backwardArgs: ({ mask, seq }, dx) => [
    ...['h0', mask, 'hs', 'dy', seq ? 1 : 0, 'dhT', dx],
    ...['dw', 'du', 'db', 'dh0', 'scratch'],
  ],
  scratch: ({ n, dims: { T, E, H } }) => n * T * H + Math.max(E, H) * (n * T + H) + H * H,
  // simple_rnn_backward leaves dz at the start of its scratch.
  projection: 'hs',
  projectionGradient: 'scratch',
};

/** Keras GRU as tfjs-layers runs it (`reset_after = false`): gates z, r, h. */
export const GRU_CELL: CellKernel = {
  name: 'fusedGru',
  gates: 3,
  states: 1,
  forwardFn: 'gru_forward',
  backwardFn: 'gru_backward',
  buffers: ({ n, dims: { T, H } }) => ({
    gates: n * T * 3 * H,
    hs: n * T * H,
    rhs: n * T * H,
    up: 3 * H * H,
  }),
  keep: ['h0', 'gates', 'hs', 'rhs'],
  // gru_forward(..., h0, mask, gates, hs, rhs, up): z, r, hh per step, and r ⊙ h; up holds u's
  // packed panels.
  forwardArgs: ({ mask }) => ['h0', mask, 'gates', 'hs', 'rhs', 'up'],
  sequenceRead: ({ n, dims: { T, H } }) => ['hs', 0, n * T * H],
  stateReads: ({ n, dims: { T, H } }) => [lastSteps(n, T, H)],
  // gru_backward(..., h0, mask, gates, hs, rhs, dy, dy_seq, dhT, dx, dw, du, db, dh0, scratch)
  backwardArgs: ({ mask, seq }, dx) => [
    ...['h0', mask, 'gates', 'hs', 'rhs', 'dy', seq ? 1 : 0, 'dhT', dx],
    ...['dw', 'du', 'db', 'dh0', 'scratch'],
  ],
  scratch: ({ n, dims: { T, E, H } }) => Math.max(E, H) * (n * T + 3 * H) + n * H + 3 * H * H,
  // gru_backward overwrites gates with dz.
  projection: 'gates',
  projectionGradient: 'gates',
};
