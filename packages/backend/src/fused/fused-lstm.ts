import * as tf from '@tensorflow/tfjs-core';
import { kernelMask } from './fused-rnn-mask.js';
import { fusedRnnModule, type FusedRnnModule } from './fused-rnn-module.js';

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
  const seq = options.returnSequences === true;
  const S = seq ? T : 1;
  const tape = isTapeOn();
  const mask = kernelMask('fusedLstm', options.mask ?? null, B, T, options.goBackwards === true);
  return tf.tidy(() => {
    const xs = options.goBackwards === true ? tf.reverse(x, 1) : x;
    const b = bias ?? tf.zeros([G]);
    // Without initial states, zeros are written straight into the kernel's memory and the
    // states are no op inputs (two tensors less each way: per-call overhead rules tiny shapes).
    const hasState = h0 !== null || c0 !== null;
    const zeroState = (m: FusedRnnModule): number => {
      const ptr = m.alloc(B * H);
      m.view(ptr, B * H).fill(0);
      return ptr;
    };
    const op = tf.customGrad((...args) => {
      const [xt, wt, ut, bt] = args as tf.Tensor[];
      const m = fusedRnnModule();
      const pX = m.put(xt!.dataSync());
      const pW = m.put(wt!.dataSync());
      const pU = m.put(ut!.dataSync());
      const pB = m.put(bt!.dataSync());
      const pH0 = hasState ? m.put((args[4] as tf.Tensor).dataSync()) : zeroState(m);
      const pC0 = hasState ? m.put((args[5] as tf.Tensor).dataSync()) : zeroState(m);
      const pMask = mask === null ? 0 : m.put(mask);
      const pGates = m.alloc(B * T * G);
      const pHseq = m.alloc((T + 1) * B * H);
      const pCseq = m.alloc((T + 1) * B * H);
      const pY = seq ? m.alloc(B * T * H) : 0;
      m.exports.lstm_forward(
        ...[T, B, E, H, pX, pW, pU, pB, pH0, pC0, pMask],
        ...[pGates, pHseq, pCseq, pY],
      );
      const out = new Float32Array(B * (S + 2) * H);
      const hseq = m.view(pHseq, (T + 1) * B * H);
      const cseq = m.view(pCseq, (T + 1) * B * H);
      const last = T * B * H;
      const y = seq ? m.view(pY, B * T * H) : undefined;
      for (let bb = 0; bb < B; bb++) {
        const row = bb * (S + 2) * H;
        if (y !== undefined) out.set(y.subarray(bb * T * H, (bb + 1) * T * H), row);
        else out.set(hseq.subarray(last + bb * H, last + (bb + 1) * H), row);
        out.set(hseq.subarray(last + bb * H, last + (bb + 1) * H), row + S * H);
        out.set(cseq.subarray(last + bb * H, last + (bb + 1) * H), row + (S + 1) * H);
      }
      for (const p of [pB, pH0, pC0, ...(seq ? [pY] : [])]) m.free(p);
      const ws: Workspace = {
        module: m,
        ptrs: [pX, pW, pU, pGates, pHseq, pCseq, ...(pMask === 0 ? [] : [pMask])],
      };
      const holder = { ws, done: false };
      if (tape) orphanedWorkspaces.register(holder, ws, holder);
      else for (const p of ws.ptrs) m.free(p);
      const value = tf.tensor3d(out, [B, S + 2, H]);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        if (holder.done) throw new Error('fusedLstm: gradient requested twice for one forward');
        holder.done = true;
        orphanedWorkspaces.unregister(holder);
        const d = dy.dataSync();
        const pDy = m.alloc(seq ? B * T * H : B * H);
        const pDhT = m.alloc(B * H);
        const pDcT = m.alloc(B * H);
        const pDx = m.alloc(B * T * E);
        const pDw = m.alloc(E * G);
        const pDu = m.alloc(H * G);
        const pDb = m.alloc(G);
        const pDh0 = m.alloc(B * H);
        const pDc0 = m.alloc(B * H);
        const F = Math.max(E, H);
        const pScratch = m.alloc(F * B * T + G * F);
        const dyv = m.view(pDy, seq ? B * T * H : B * H);
        const dhT = m.view(pDhT, B * H);
        const dcT = m.view(pDcT, B * H);
        for (let bb = 0; bb < B; bb++) {
          const row = bb * (S + 2) * H;
          dyv.set(d.subarray(row, row + S * H), bb * S * H);
          dhT.set(d.subarray(row + S * H, row + (S + 1) * H), bb * H);
          dcT.set(d.subarray(row + (S + 1) * H, row + (S + 2) * H), bb * H);
        }
        m.exports.lstm_backward(
          T,
          B,
          E,
          H,
          pX,
          pW,
          pU,
          pMask,
          pGates,
          pHseq,
          pCseq,
          pDy,
          seq ? 1 : 0,
          pDhT,
          pDcT,
          pDx,
          pDw,
          pDu,
          pDb,
          pDh0,
          pDc0,
          pScratch,
        );
        const grads = [
          tf.tensor3d(m.view(pDx, B * T * E).slice(), [B, T, E]),
          tf.tensor2d(m.view(pDw, E * G).slice(), [E, G]),
          tf.tensor2d(m.view(pDu, H * G).slice(), [H, G]),
          tf.tensor1d(m.view(pDb, G).slice()),
        ];
        if (hasState) {
          grads.push(
            tf.tensor2d(m.view(pDh0, B * H).slice(), [B, H]),
            tf.tensor2d(m.view(pDc0, B * H).slice(), [B, H]),
          );
        }
        for (const p of [...ws.ptrs, pDy, pDhT, pDcT, pDx, pDw, pDu, pDb, pDh0, pDc0, pScratch]) {
          m.free(p);
        }
        return grads;
      };
      return { value, gradFunc };
    });
    const packed = (
      hasState
        ? op(xs, kernel, recurrentKernel, b, h0 ?? tf.zeros([B, H]), c0 ?? tf.zeros([B, H]))
        : op(xs, kernel, recurrentKernel, b)
    ) as tf.Tensor3D;
    const ySeq = tf.slice(packed, [0, 0, 0], [B, S, H]);
    const output = seq ? ySeq : tf.reshape(ySeq, [B, H]);
    const h = tf.reshape(tf.slice(packed, [0, S, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
    const c = tf.reshape(tf.slice(packed, [0, S + 1, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
    return { output, h, c };
  });
}
