import * as tf from '@tensorflow/tfjs-core';
import { kernelMask } from './fused-rnn-mask.js';
import { fusedRnnModule, type FusedRnnModule } from './fused-rnn-module.js';

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

interface Workspace {
  module: FusedRnnModule;
  ptrs: number[];
}

/** Frees a training forward's kept activations if its gradient never runs. */
const orphanedWorkspaces = new FinalizationRegistry<Workspace>((ws) => {
  for (const ptr of ws.ptrs) ws.module.free(ptr);
});

function isTapeOn(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/** Pointers of the inputs in the kernel module's memory. */
interface Inputs {
  x: number;
  w: number;
  u: number;
  b: number;
  h0: number;
  /** `[B,T]` kept-step flags, or 0 = no mask. */
  mask: number;
}

/** One cell type: how many gate blocks its weights have and how to call its C functions. */
interface CellKernel {
  name: string;
  gates: number;
  /** Runs the forward; returns the pointer of `hs [B,T,H]` and the buffers backward needs. */
  forward(m: FusedRnnModule, dims: Dims, p: Inputs): { hs: number; kept: number[] };
  /** Runs the backward; `kept` is what forward returned. */
  backward(m: FusedRnnModule, dims: Dims, p: Inputs, hs: number, kept: number[], d: Grads): void;
}

interface Dims {
  T: number;
  B: number;
  E: number;
  H: number;
}

/** Pointers of the backward's inputs and outputs. */
interface Grads {
  dy: number;
  dySeq: number;
  dx: number;
  dw: number;
  du: number;
  db: number;
  dh0: number;
}

const SIMPLE_RNN: CellKernel = {
  name: 'fusedSimpleRnn',
  gates: 1,
  forward(m, { T, B, E, H }, p) {
    const hs = m.alloc(B * T * H);
    m.exports.simple_rnn_forward(T, B, E, H, p.x, p.w, p.u, p.b, p.h0, p.mask, hs);
    return { hs, kept: [] };
  },
  backward(m, { T, B, E, H }, p, hs, _kept, d) {
    const F = Math.max(E, H);
    const scratch = m.alloc(B * T * H + F * (B * T + H));
    m.exports.simple_rnn_backward(
      ...[T, B, E, H, p.x, p.w, p.u, p.h0, p.mask, hs, d.dy, d.dySeq, 0],
      ...[d.dx, d.dw, d.du, d.db, d.dh0, scratch],
    );
    m.free(scratch);
  },
};

const GRU: CellKernel = {
  name: 'fusedGru',
  gates: 3,
  forward(m, { T, B, E, H }, p) {
    const gates = m.alloc(B * T * 3 * H);
    const hs = m.alloc(B * T * H);
    const rhs = m.alloc(B * T * H);
    m.exports.gru_forward(T, B, E, H, p.x, p.w, p.u, p.b, p.h0, p.mask, gates, hs, rhs);
    return { hs, kept: [gates, rhs] };
  },
  backward(m, { T, B, E, H }, p, hs, kept, d) {
    const F = Math.max(E, H);
    const scratch = m.alloc(F * (B * T + 3 * H) + B * H);
    const [gates, rhs] = kept as [number, number];
    m.exports.gru_backward(
      ...[T, B, E, H, p.x, p.w, p.u, p.h0, p.mask, gates, hs, rhs, d.dy, d.dySeq, 0],
      ...[d.dx, d.dw, d.du, d.db, d.dh0, scratch],
    );
    m.free(scratch);
  },
};

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
  const dims: Dims = { T, B, E, H };
  const seq = options.returnSequences === true;
  const tape = isTapeOn();
  const mask = kernelMask(cell.name, options.mask ?? null, B, T, options.goBackwards === true);
  return tf.tidy(() => {
    const xs = options.goBackwards === true ? tf.reverse(x, 1) : x;
    const b = bias ?? tf.zeros([G]);
    // Without h0, zeros are written straight into the kernel's memory and h0 is no op input
    // (saves a tensor each way: per-call overhead dominates tiny shapes).
    const op = tf.customGrad((...args) => {
      const [xt, wt, ut, bt] = args as tf.Tensor[];
      const ht = h0 === null ? undefined : (args[4] as tf.Tensor);
      const m = fusedRnnModule();
      const p: Inputs = {
        x: m.put(xt!.dataSync()),
        w: m.put(wt!.dataSync()),
        u: m.put(ut!.dataSync()),
        b: m.put(bt!.dataSync()),
        h0: ht === undefined ? m.alloc(B * H) : m.put(ht.dataSync()),
        mask: mask === null ? 0 : m.put(mask),
      };
      if (ht === undefined) m.view(p.h0, B * H).fill(0);
      const { hs, kept } = cell.forward(m, dims, p);
      let value: tf.Tensor;
      if (seq) {
        value = tf.tensor3d(m.view(hs, B * T * H).slice(), [B, T, H]);
      } else {
        const all = m.view(hs, B * T * H);
        const last = new Float32Array(B * H);
        for (let bb = 0; bb < B; bb++) {
          const at = (bb * T + T - 1) * H;
          last.set(all.subarray(at, at + H), bb * H);
        }
        value = tf.tensor2d(last, [B, H]);
      }
      m.free(p.b);
      const ws: Workspace = {
        module: m,
        ptrs: [p.x, p.w, p.u, p.h0, hs, ...kept, ...(p.mask === 0 ? [] : [p.mask])],
      };
      const holder = { ws, done: false };
      if (tape) orphanedWorkspaces.register(holder, ws, holder);
      else for (const ptr of ws.ptrs) m.free(ptr);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        if (holder.done) throw new Error(`${cell.name}: gradient requested twice for one forward`);
        holder.done = true;
        orphanedWorkspaces.unregister(holder);
        const d: Grads = {
          dy: m.put(dy.dataSync()),
          dySeq: seq ? 1 : 0,
          dx: m.alloc(B * T * E),
          dw: m.alloc(E * G),
          du: m.alloc(H * G),
          db: m.alloc(G),
          dh0: m.alloc(B * H),
        };
        cell.backward(m, dims, p, hs, kept, d);
        const grads = [
          tf.tensor3d(m.view(d.dx, B * T * E).slice(), [B, T, E]),
          tf.tensor2d(m.view(d.dw, E * G).slice(), [E, G]),
          tf.tensor2d(m.view(d.du, H * G).slice(), [H, G]),
          tf.tensor1d(m.view(d.db, G).slice()),
        ];
        if (ht !== undefined) grads.push(tf.tensor2d(m.view(d.dh0, B * H).slice(), [B, H]));
        for (const ptr of [...ws.ptrs, d.dy, d.dx, d.dw, d.du, d.db, d.dh0]) m.free(ptr);
        return grads;
      };
      return { value, gradFunc };
    });
    const output =
      h0 === null ? op(xs, kernel, recurrentKernel, b) : op(xs, kernel, recurrentKernel, b, h0);
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
