import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { heapValues } from './heap-values.js';

/** A compiled loss or metric function, as tfjs-layers keeps them. */
type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * tfjs-layers' `categoricalCrossentropy` loss (probabilities in `yPred`, not logits) as one op
 * forward and one backward, computed in JS over the tensors' values: the same formula —
 * `yPred` rescaled to sum 1 over its last axis, clipped to `[ε, 1 − ε]` (ε the backend's, 1e-7),
 * then `−Σ yTrue · log` over the last axis — and the gradient tfjs' autodiff gives it, clip
 * included (zero where the rescaled probability is outside `[ε, 1 − ε]`). tfjs runs it as ~20
 * kernels forward and back; a seq2seq step's `[64, 20, 70]` took ~2 ms of them on wasm.
 * Only the terms with a nonzero target take a logarithm.
 *
 * Values are computed in float64 and rounded once, so they differ from tfjs' float32 chain by
 * float32 rounding. `yTrue` is data: it gets no gradient (tfjs-layers' would give one).
 * Returns the per-example loss, `yPred`'s shape without its last axis.
 */
export function fusedCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  if (yTrue.size !== yPred.size || yPred.rank < 1) {
    throw new Error(
      `categoricalCrossentropy: targets ${JSON.stringify(yTrue.shape)} and predictions ` +
        `${JSON.stringify(yPred.shape)} must have the same shape`,
    );
  }
  const C = yPred.shape[yPred.rank - 1]!;
  const N = C === 0 ? 0 : yPred.size / C;
  // float32, as tfjs' ClipByValue compares and clips
  const eps = Math.fround(tf.backend().epsilon());
  return tf.tidy(() => {
    const target = tf.cast(yTrue, 'float32');
    const op = tf.customGrad((...args) => {
      const [p] = args as [tf.Tensor];
      // The terms with a nonzero target, kept for the gradient (tensors are immutable).
      const terms = crossentropyTerms(heapValues(target), heapValues(p), N, C, eps);
      const value = tf.tensor(terms.loss, yPred.shape.slice(0, -1), 'float32');
      const gradFunc = (dy: tf.Tensor): tf.Tensor =>
        tf.tensor(crossentropyGradient(terms, heapValues(dy), N, C, eps), p.shape, 'float32');
      return { value, gradFunc };
    });
    return op(yPred);
  });
}

/** Per row r: its sum s[r], the loss, and its terms with t ≠ 0 at first[r]..first[r + 1]. */
interface CrossentropyTerms {
  readonly loss: Float32Array;
  readonly s: Float64Array;
  readonly first: Int32Array;
  /** Per term: its flat index, target t, prediction p and rescaled q = p / s (float32). */
  readonly index: Int32Array;
  readonly t: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
}

/** Per row: −Σ t · log(clip(p / Σp, ε, 1 − ε)) over the terms with t ≠ 0. */
function crossentropyTerms(
  t: Float32Array,
  p: Float32Array,
  N: number,
  C: number,
  eps: number,
): CrossentropyTerms {
  const loss = new Float32Array(N);
  const s = new Float64Array(N);
  const first = new Int32Array(N + 1);
  let count = 0;
  for (let i = 0; i < N * C; i++) if (t[i] !== 0) count++;
  const terms = {
    index: new Int32Array(count),
    t: new Float64Array(count),
    p: new Float64Array(count),
    q: new Float64Array(count),
  };
  const hi = Math.fround(1 - eps);
  let k = 0;
  for (let r = 0, at = 0; r < N; r++, at += C) {
    first[r] = k;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += p[at + c]!;
    s[r] = sum;
    let rowLoss = 0;
    for (let c = 0; c < C; c++) {
      const tc = t[at + c]!;
      if (tc === 0) continue;
      const pc = p[at + c]!;
      const q = Math.fround(pc / sum);
      rowLoss += tc * Math.log(q < eps ? eps : q > hi ? hi : q);
      terms.index[k] = at + c;
      terms.t[k] = tc;
      terms.p[k] = pc;
      terms.q[k] = q;
      k++;
    }
    loss[r] = -rowLoss;
  }
  first[N] = k;
  return { loss, s, first, ...terms };
}

/**
 * The loss' gradient with respect to p, given dy per row: with q = p / s (s = Σp) and
 * dq = −dy · t / clip(q) where ε ≤ q ≤ 1 − ε (else 0), dp = dq / s − Σ(dq · p) / s². One pass
 * over the output; the sums come from the forward's terms.
 */
function crossentropyGradient(
  terms: CrossentropyTerms,
  dy: Float32Array,
  N: number,
  C: number,
  eps: number,
): Float32Array {
  const dp = new Float32Array(N * C);
  const hi = Math.fround(1 - eps);
  for (let r = 0, at = 0; r < N; r++, at += C) {
    const s = terms.s[r]!;
    const g = dy[r]!;
    const k0 = terms.first[r]!;
    const k1 = terms.first[r + 1]!;
    let dqp = 0;
    for (let k = k0; k < k1; k++) {
      const q = terms.q[k]!;
      if (q >= eps && q <= hi) dqp += ((-g * terms.t[k]!) / q) * terms.p[k]!;
    }
    const shared = dqp / (s * s);
    for (let c = 0; c < C; c++) dp[at + c] = 0 - shared; // +0, not -0, when shared is 0
    for (let k = k0; k < k1; k++) {
      const q = terms.q[k]!;
      if (q >= eps && q <= hi) dp[terms.index[k]!] = (-g * terms.t[k]!) / q / s - shared;
    }
  }
  return dp;
}

/** The loss name each output of a compiled model was given (`model.loss`: one, a list or a map). */
function lossNames(model: tfl.LayersModel): Array<string | undefined> {
  const loss = (model as unknown as { loss?: unknown }).loss;
  const outputs = model.outputNames;
  return outputs.map((name, i) => {
    if (typeof loss === 'string') return loss;
    if (Array.isArray(loss)) return typeof loss[i] === 'string' ? loss[i] : undefined;
    if (loss !== null && typeof loss === 'object') {
      const named = (loss as Record<string, unknown>)[name];
      return typeof named === 'string' ? named : undefined;
    }
    return undefined;
  });
}

/**
 * Makes a compiled model's `categoricalCrossentropy` outputs use
 * {@link fusedCategoricalCrossentropy} on the wasm and cpu backends (their values are read in
 * place; elsewhere, and for every other loss, tfjs-layers' own function runs). `model.loss` is
 * unchanged, so saved training configs are tfjs'. Applying it twice changes nothing; an
 * uncompiled model is returned as it is. Returns `model`.
 */
export function fuseLoss<M extends tfl.LayersModel>(model: M): M {
  const compiled = compiledModel(model);
  const functions = (compiled as unknown as { lossFunctions?: LossFunction[] }).lossFunctions;
  if (!Array.isArray(functions)) return model;
  lossNames(compiled).forEach((name, i) => {
    const stock = functions[i];
    if (name !== 'categoricalCrossentropy' || stock === undefined || fused.has(stock)) return;
    const fn: LossFunction = (yTrue, yPred) =>
      tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu'
        ? fusedCategoricalCrossentropy(yTrue, yPred)
        : stock(yTrue, yPred);
    fused.add(fn);
    functions[i] = fn;
  });
  return model;
}

/** The model holding the compiled losses: a Sequential's inner model, or the model itself. */
function compiledModel(model: tfl.LayersModel): tfl.LayersModel {
  const inner = (model as unknown as { model?: unknown }).model;
  return inner !== null && typeof inner === 'object' && 'lossFunctions' in inner
    ? (inner as tfl.LayersModel)
    : model;
}

/** Loss functions {@link fuseLoss} installed. */
const fused = new WeakSet<LossFunction>();
