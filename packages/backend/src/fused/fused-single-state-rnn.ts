import * as tf from '@tensorflow/tfjs-core';
import { kernelMask } from './fused-rnn-mask.js';
import {
  concatArrays,
  gradientReads,
  gradientTensors,
  sliceCount,
  splitRows,
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
  type Lane,
} from './kernel-threads.js';

/** Options of {@link fusedSimpleRnn} and {@link fusedGru}. */
export interface FusedRnnOptions {
  /** Return the whole output sequence `[batch, time, units]` instead of the last `[batch, units]`. */
  returnSequences?: boolean;
  /** Process the sequence from the last step to the first (Keras `go_backwards`). */
  goBackwards?: boolean;
  /**
   * `[batch, time]`, any dtype, nonzero = run the step (tfjs-layers' `mask`): at a masked step
   * the state carries over unchanged and the step's output is the previous `h`; reversed with
   * the input under `goBackwards`. Gets no gradient. Null or absent = every step runs.
   */
  mask?: tf.Tensor | null;
}

/** What {@link fusedSimpleRnn} and {@link fusedGru} return: the output and the final state. */
export interface FusedRnnResult {
  output: tf.Tensor;
  h: tf.Tensor2D;
}

/** One cell type: its gate blocks, its C functions and the buffers they need for n rows. */
interface CellKernel {
  name: string;
  gates: number;
  forwardFn: string;
  backwardFn: string;
  /** Activations the forward keeps for the backward besides `hs [n,T,H]`, in argument order. */
  kept(n: number, dims: FusedDims): Record<string, number>;
  /** The buffer the input projection `x·W + b` goes to (forward), and its gradient (backward). */
  projection: string;
  projectionGradient: string;
  /** Float32s of the backward's scratch buffer. */
  scratch(n: number, dims: FusedDims): number;
}

const SIMPLE_RNN: CellKernel = {
  name: 'fusedSimpleRnn',
  gates: 1,
  forwardFn: 'simple_rnn_forward',
  backwardFn: 'simple_rnn_backward',
  kept: () => ({}),
  // simple_rnn_backward leaves dz at the start of its scratch.
  projection: 'hs',
  projectionGradient: 'scratch',
  scratch: (n, { T, E, H }) => n * T * H + Math.max(E, H) * (n * T + H),
};

const GRU: CellKernel = {
  name: 'fusedGru',
  gates: 3,
  forwardFn: 'gru_forward',
  backwardFn: 'gru_backward',
  // gru_forward(..., gates, hs, rhs): z, r, hh per step, and r ⊙ h.
  kept: (n, { T, H }) => ({ gates: n * T * 3 * H, rhs: n * T * H }),
  // gru_backward overwrites gates with dz.
  projection: 'gates',
  projectionGradient: 'gates',
  scratch: (n, { T, E, H }) => Math.max(E, H) * (n * T + 3 * H) + n * H,
};

/** The forward's argument list after the mask: GRU's gates come before hs, rhs after. */
function forwardOutputs(cell: CellKernel): string[] {
  return cell === GRU ? ['gates', 'hs', 'rhs'] : ['hs'];
}

function runFused(
  cell: CellKernel,
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  h0: tf.Tensor2D | null,
  options: FusedRnnOptions,
): FusedRnnResult {
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
  const tape = isTapeOn();
  const mask = kernelMask(cell.name, options.mask ?? null, B, T, options.goBackwards === true);
  const maskArg = mask === null ? 0 : 'mask';
  const slices = splitRows(B, sliceCount(B, T, E, H, cell.gates));
  const lanes = kernelLanes(slices.length);
  return tf.tidy(() => {
    const input = planInput(x, options.goBackwards === true, slices, G);
    const b = bias ?? tf.zeros([G]);
    // Without h0, zeros are written straight into the kernel's memory and h0 is no op input
    // (saves a tensor each way: per-call overhead dominates tiny shapes).
    const op = tf.customGrad((...args) => {
      const [xt, wt, ut, bt] = args as tf.Tensor[];
      const ht = h0 === null ? undefined : (args[4] as tf.Tensor);
      // A view of tfjs' heap: read (copied into the jobs) before any other tfjs op runs.
      const xData = heapValues(xt!);
      const w = wt!.dataSync() as Float32Array;
      const u = ut!.dataSync() as Float32Array;
      const bData = bt!.dataSync() as Float32Array;
      const h0Data = ht === undefined ? null : (ht.dataSync() as Float32Array);
      // Each slice of rows runs the whole sequence on its own thread (rows are independent).
      const forward = slices.map(([s, n], i): { job: KernelJob; lane: Lane | null } => {
        const rows = (data: Float32Array, width: number) =>
          data.subarray(s * width, (s + n) * width);
        const kept = cell.kept(n, dims);
        const inputPart = input.forward(i, xData, cell.projection);
        return {
          lane: lanes[i] ?? null,
          job: {
            write: {
              ...inputPart.write,
              w,
              u,
              b: bData,
              ...(h0Data === null ? {} : { h0: rows(h0Data, H) }),
              ...(mask === null ? {} : { mask: rows(mask, T) }),
            },
            ...(h0Data === null ? { zero: { h0: n * H } } : {}),
            alloc: { hs: n * T * H, ...kept, ...inputPart.alloc },
            call: [
              ...inputPart.calls,
              {
                fn: cell.forwardFn,
                args: [
                  T,
                  n,
                  E,
                  H,
                  inputPart.x,
                  'w',
                  'u',
                  'b',
                  'h0',
                  maskArg,
                  ...forwardOutputs(cell),
                ],
              },
            ],
            // Without returnSequences only each row's last step leaves the kernel's memory.
            read: seq
              ? [['hs', 0, n * T * H]]
              : Array.from({ length: n }, (_, r) => ['hs', (r * T + T - 1) * H, H] as const),
            keep: tape
              ? [
                  ...inputPart.keep,
                  'w',
                  'u',
                  'h0',
                  'hs',
                  ...Object.keys(kept),
                  ...(mask === null ? [] : ['mask']),
                ]
              : [],
          },
        };
      });
      const results = runKernelJobs(forward);
      let value: tf.Tensor;
      if (seq) {
        value = tf.tensor3d(concatArrays(results.map((r) => r.outputs[0]!)), [B, T, H]);
      } else {
        value = tf.tensor2d(concatArrays(results.flatMap((r) => r.outputs)), [B, H]);
      }
      const held = keepForGradient(cell.name, results, tape);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const kept = held.claim();
        const d = heapValues(dy);
        const width = seq ? T * H : H;
        const backward = slices.map(([s, n], i): { job: KernelJob; lane: Lane | null } => {
          const inputPart = input.backward(i, cell.projectionGradient);
          return {
            lane: kept[i]!.lane,
            job: {
              use: kept[i]!.handle,
              write: { dy: d.subarray(s * width, (s + n) * width) },
              alloc: {
                ...inputPart.alloc,
                dw: E * G,
                du: H * G,
                db: G,
                dh0: n * H,
                scratch: cell.scratch(n, dims),
              },
              call: [
                {
                  fn: cell.backwardFn,
                  args: [T, n, E, H, inputPart.x, 'w', 'u', 'h0', maskArg]
                    .concat(forwardOutputs(cell))
                    .concat([
                      'dy',
                      seq ? 1 : 0,
                      0,
                      inputPart.dx,
                      'dw',
                      'du',
                      'db',
                      'dh0',
                      'scratch',
                    ]),
                },
                ...inputPart.calls,
              ],
              read: [inputPart.read, ...gradientReads(n, dims, ht === undefined ? 0 : 1)],
            },
          };
        });
        const grads = runKernelJobs(backward).map((r) => r.outputs);
        return gradientTensors(grads, input, B, dims, ht === undefined ? 0 : 1);
      };
      return { value, gradFunc };
    });
    const output =
      h0 === null
        ? op(input.tensor, kernel, recurrentKernel, b)
        : op(input.tensor, kernel, recurrentKernel, b, h0);
    const h = seq
      ? (tf.reshape(tf.slice(output, [0, T - 1, 0], [B, 1, H]), [B, H]) as tf.Tensor2D)
      : (output as tf.Tensor2D);
    return { output, h };
  });
}

/**
 * A whole-sequence Keras SimpleRNN (`tanh`) in one WebAssembly SIMD call, forward and (when
 * gradients are being recorded) backward through time in one more. Weights in Keras' layout:
 * `kernel [inputDim, units]`, `recurrentKernel [units, units]`, `bias [units]` (null = none);
 * `h0` defaults to zeros. Differentiable with respect to every tensor input but the mask
 * (`tf.customGrad`). Without `returnSequences`, `output` and `h` are the same tensor.
 */
export function fusedSimpleRnn(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  h0: tf.Tensor2D | null = null,
  options: FusedRnnOptions = {},
): FusedRnnResult {
  return runFused(SIMPLE_RNN, x, kernel, recurrentKernel, bias, h0, options);
}

/**
 * A whole-sequence GRU in one WebAssembly SIMD call forward and one backward, with the
 * semantics of tfjs-layers' GRU (Keras `reset_after=False`): gates z, r, h in that order in
 * `kernel [inputDim, 3·units]`, `recurrentKernel [units, 3·units]` and `bias [3·units]`;
 * `z, r = sigmoid(.)`, `hh = tanh(x·Wh + (r ⊙ h)·Uh + bh)`, `h' = z ⊙ h + (1 − z) ⊙ hh`.
 * `h0` defaults to zeros. Differentiable with respect to every tensor input but the mask.
 * Without `returnSequences`, `output` and `h` are the same tensor.
 */
export function fusedGru(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  h0: tf.Tensor2D | null = null,
  options: FusedRnnOptions = {},
): FusedRnnResult {
  return runFused(GRU, x, kernel, recurrentKernel, bias, h0, options);
}
