import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Deterministic values in [-scale, scale]. */
export function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296 - 0.5) * 2 * scale;
  });
}

/** The largest element-wise difference (the lengths must match). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** One parity case of a fused recurrent kernel against tfjs-layers. */
export interface FusedCase {
  B: number;
  T: number;
  E: number;
  H: number;
  returnSequences: boolean;
  goBackwards: boolean;
  initialState: boolean;
  /** Run with {@link paddingMask} in this dtype. */
  mask?: 'float32' | 'int32' | 'bool';
  /** One-hot input rows (the kernels' sparse input path), see {@link caseInput}. */
  oneHot?: boolean;
}

/**
 * The parity shapes every cell is tested on: with and without initial state, `returnSequences`
 * and `goBackwards`, unit counts not divisible by 4 or 8, and one-hot inputs (the kernels'
 * sparse input path).
 */
export const PARITY_CASES: readonly FusedCase[] = [
  { B: 3, T: 5, E: 6, H: 8, returnSequences: false, goBackwards: false, initialState: false },
  { B: 5, T: 4, E: 3, H: 4, returnSequences: true, goBackwards: false, initialState: true },
  { B: 2, T: 6, E: 7, H: 5, returnSequences: true, goBackwards: true, initialState: true },
  { B: 1, T: 3, E: 9, H: 12, returnSequences: false, goBackwards: true, initialState: false },
  {
    B: 6,
    T: 5,
    E: 12,
    H: 8,
    returnSequences: true,
    goBackwards: false,
    initialState: true,
    oneHot: true,
  },
  {
    B: 4,
    T: 3,
    E: 10,
    H: 5,
    returnSequences: false,
    goBackwards: true,
    initialState: false,
    oneHot: true,
  },
];

const MASK_DTYPES = ['float32', 'int32', 'bool'] as const;

/** Every returnSequences x goBackwards x initialState combination with a padding mask. */
export const MASKED_PARITY_CASES: readonly FusedCase[] = [false, true].flatMap((returnSequences) =>
  [false, true].flatMap((goBackwards) =>
    [false, true].map((initialState, i) => ({
      B: 5,
      T: 6,
      E: 3,
      H: initialState ? 5 : 8,
      returnSequences,
      goBackwards,
      initialState,
      mask: MASK_DTYPES[(Number(returnSequences) + 2 * Number(goBackwards) + i) % 3]!,
    })),
  ),
);

/**
 * A case's input `x [B, T, E]`: {@link values}, or with `oneHot` one-hot rows, as a character
 * model's, where every fifth row is all zeros (padding) and every seventh has its 1 scaled.
 */
export function caseInput(c: FusedCase, seed: number): Float32Array {
  const { B, T, E } = c;
  if (c.oneHot !== true) return values(B * T * E, seed);
  const x = new Float32Array(B * T * E);
  const picks = values(B * T, seed);
  for (let r = 0; r < B * T; r++) {
    if (r % 5 === 4) continue;
    const k = Math.min(E - 1, Math.floor(((picks[r]! + 1) / 2) * E));
    x[r * E + k] = r % 7 === 3 ? 1.75 : 1;
  }
  return x;
}

/**
 * A [B, T] mask whose rows cycle through: all T steps, T - 2 steps then padding, 1 step, no
 * step at all, and every step but one in the middle.
 */
export function paddingMask(
  B: number,
  T: number,
  dtype: 'float32' | 'int32' | 'bool',
): tf.Tensor2D {
  const rows = [T, T - 2, 1, 0, -1];
  const m = Array.from({ length: B }, (_, bb) => {
    const len = rows[bb % rows.length]!;
    return Array.from({ length: T }, (_, t) => ((len < 0 ? t !== T >> 1 : t < len) ? 1 : 0));
  });
  return tf.tensor2d(m, [B, T], dtype);
}

/**
 * Checks a masked `returnSequences` output `y [B][T][H]` step by step: a masked step repeats
 * the previous output (`h0`'s row at step 0), a kept one changes it; the final `h` is the last
 * step's output.
 */
export function expectMaskedStepsCarryOver(
  output: tf.Tensor,
  h: tf.Tensor,
  mask: tf.Tensor,
  h0: tf.Tensor,
): void {
  const y = output.arraySync() as number[][][];
  const m = mask.arraySync() as Array<Array<number | boolean>>;
  const start = h0.arraySync() as number[][];
  y.forEach((row, bb) => {
    row.forEach((step, t) => {
      const prev = t === 0 ? start[bb] : row[t - 1];
      if (Number(m[bb]![t]) === 0) expect(step).toEqual(prev);
      else expect(step).not.toEqual(prev);
    });
  });
  expect(h.arraySync()).toEqual(y.map((row) => row[row.length - 1]));
}
