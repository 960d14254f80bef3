import * as tf from '@tensorflow/tfjs-core';
import { kernelMask } from './fused-rnn-mask.js';
import {
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

/** Options of {@link fusedLstm}. */
export interface FusedLstmOptions {
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

/** What {@link fusedLstm} returns: the output and the final states. */
export interface FusedLstmResult {
  output: tf.Tensor;
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/**
 * A whole-sequence LSTM in one WebAssembly SIMD call, forward and (when gradients are being
 * recorded) backward through time in one more: Keras semantics (gates i, f, c, o; sigmoid
 * gates; tanh cell and output activation), weights in Keras' layout: `kernel [inputDim,
 * 4·units]`, `recurrentKernel [units, 4·units]`, `bias [4·units]` (null = none). `h0`/`c0`
 * default to zeros. Differentiable with respect to every tensor input but the mask
 * (`tf.customGrad`). Works on any tfjs backend (the data passes through the kernel module's
 * own memory).
 */
export function fusedLstm(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  h0: tf.Tensor2D | null = null,
  c0: tf.Tensor2D | null = null,
  options: FusedLstmOptions = {},
): FusedLstmResult {
  const [B, T, E] = x.shape;
  const H = recurrentKernel.shape[0];
  const G = 4 * H;
  if (kernel.shape[0] !== E || kernel.shape[1] !== G || recurrentKernel.shape[1] !== G) {
    throw new Error(
      `fusedLstm: kernel ${JSON.stringify(kernel.shape)} / recurrentKernel ` +
        `${JSON.stringify(recurrentKernel.shape)} do not fit input dim ${E} and ${H} units`,
    );
  }
  const dims: FusedDims = { T, E, H, G };
  const seq = options.returnSequences === true;
  const S = seq ? T : 1;
  const tape = isTapeOn();
  const mask = kernelMask('fusedLstm', options.mask ?? null, B, T, options.goBackwards === true);
  return tf.tidy(() => {
    const b = bias ?? tf.zeros([G]);
    // Without initial states, zeros are written straight into the kernel's memory and the
    // states are no op inputs (two tensors less each way: per-call overhead rules tiny shapes).
    const hasState = h0 !== null || c0 !== null;
    const slices = splitRows(B, sliceCount(B, T, E, H, 4));
    const lanes = kernelLanes(slices.length);
    const input = planInput(x, options.goBackwards === true, slices, G);
    const op = tf.customGrad((...args) => {
      const [xt, wt, ut, bt] = args as tf.Tensor[];
      // A view of tfjs' heap: read (copied into the jobs) before any other tfjs op runs.
      const xData = heapValues(xt!);
      const w = wt!.dataSync() as Float32Array;
      const u = ut!.dataSync() as Float32Array;
      const bData = bt!.dataSync() as Float32Array;
      const h0Data = hasState ? ((args[4] as tf.Tensor).dataSync() as Float32Array) : null;
      const c0Data = hasState ? ((args[5] as tf.Tensor).dataSync() as Float32Array) : null;
      // Each slice of rows runs the whole sequence on its own thread (rows are independent).
      const forward = slices.map(([s, n], i): { job: KernelJob; lane: Lane | null } => {
        const rows = (data: Float32Array, width: number) =>
          data.subarray(s * width, (s + n) * width);
        const state: Record<string, Float32Array> =
          h0Data !== null && c0Data !== null ? { h0: rows(h0Data, H), c0: rows(c0Data, H) } : {};
        const inputPart = input.forward(i, xData, 'gates');
        return {
          lane: lanes[i] ?? null,
          job: {
            write: {
              ...inputPart.write,
              w,
              u,
              b: bData,
              ...state,
              ...(mask === null ? {} : { mask: rows(mask, T) }),
            },
            // Without initial states, zeros are written straight into the kernel's memory and
            // the states are no op inputs (two tensors less each way: per-call overhead rules
            // tiny shapes).
            ...(hasState ? {} : { zero: { h0: n * H, c0: n * H } }),
            alloc: {
              gates: n * T * G,
              hseq: (T + 1) * n * H,
              cseq: (T + 1) * n * H,
              ...(seq ? { y: n * T * H } : {}),
              ...inputPart.alloc,
            },
            call: [
              ...inputPart.calls,
              {
                fn: 'lstm_forward',
                args: [T, n, E, H, inputPart.x, 'w', 'u', 'b', 'h0', 'c0']
                  .concat([mask === null ? 0 : 'mask', 'gates', 'hseq', 'cseq'])
                  .concat([seq ? 'y' : 0]),
              },
            ],
            read: [
              ...(seq ? [['y', 0, n * T * H] as const] : []),
              ['hseq', T * n * H, n * H],
              ['cseq', T * n * H, n * H],
            ],
            keep: tape
              ? [
                  ...inputPart.keep,
                  ...['w', 'u', 'gates', 'hseq', 'cseq'],
                  ...(mask === null ? [] : ['mask']),
                ]
              : [],
          },
        };
      });
      const results = runKernelJobs(forward);
      // One flat tensor (customGrad returns one): y [B,S,H], then h [B,H], then c [B,H]; each
      // part is a contiguous slice (a strided [B, S+2, H] layout made tfjs copy row by row).
      const out = new Float32Array(B * (S + 2) * H);
      const [hAt, cAt] = [B * S * H, B * (S + 1) * H];
      slices.forEach(([s], i) => {
        const outputs = results[i]!.outputs;
        const [hT, cT] = seq ? outputs.slice(1) : outputs;
        out.set(seq ? outputs[0]! : hT!, s * S * H);
        out.set(hT!, hAt + s * H);
        out.set(cT!, cAt + s * H);
      });
      const held = keepForGradient('fusedLstm', results, tape);
      const value = tf.tensor1d(out);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const kept = held.claim();
        const d = heapValues(dy);
        const F = Math.max(E, H);
        const backward = slices.map(([s, n], i): { job: KernelJob; lane: Lane | null } => {
          const dyv = d.subarray(s * S * H, (s + n) * S * H);
          const dhT = d.subarray(hAt + s * H, hAt + (s + n) * H);
          const dcT = d.subarray(cAt + s * H, cAt + (s + n) * H);
          const inputPart = input.backward(i, 'gates');
          return {
            lane: kept[i]!.lane,
            job: {
              use: kept[i]!.handle,
              write: { dy: dyv, dhT, dcT },
              alloc: {
                ...inputPart.alloc,
                dw: E * G,
                du: H * G,
                db: G,
                dh0: n * H,
                dc0: n * H,
                scratch: F * n * T + G * F,
              },
              call: [
                {
                  fn: 'lstm_backward',
                  args: [T, n, E, H, inputPart.x, 'w', 'u', mask === null ? 0 : 'mask', 'gates']
                    .concat(['hseq', 'cseq', 'dy', seq ? 1 : 0, 'dhT', 'dcT', inputPart.dx, 'dw'])
                    .concat(['du', 'db', 'dh0', 'dc0', 'scratch']),
                },
                ...inputPart.calls,
              ],
              read: [inputPart.read, ...gradientReads(n, dims, hasState ? 2 : 0)],
            },
          };
        });
        const grads = runKernelJobs(backward).map((r) => r.outputs);
        return gradientTensors(grads, input, B, dims, hasState ? 2 : 0);
      };
      return { value, gradFunc };
    });
    const packed = (
      hasState
        ? op(
            input.tensor,
            kernel,
            recurrentKernel,
            b,
            h0 ?? tf.zeros([B, H]),
            c0 ?? tf.zeros([B, H]),
          )
        : op(input.tensor, kernel, recurrentKernel, b)
    ) as tf.Tensor1D;
    const y = tf.slice(packed, 0, B * S * H);
    const output = seq ? tf.reshape(y, [B, S, H]) : tf.reshape(y, [B, H]);
    const h = tf.reshape(tf.slice(packed, B * S * H, B * H), [B, H]) as tf.Tensor2D;
    const c = tf.reshape(tf.slice(packed, B * (S + 1) * H, B * H), [B, H]) as tf.Tensor2D;
    return { output, h, c };
  });
}
