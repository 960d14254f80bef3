import * as tf from '@tensorflow/tfjs-core';
import type { BackendInfo, BackendOptions } from '../backend-info.js';
import { initBackend } from '../init-backend.js';

/** Plain values of one tensor, detached from any backend. */
export interface TensorValues {
  shape: number[];
  values: number[];
}

/**
 * Test helper: activates the backend `options` names, runs `fn` inside `tf.tidy`, copies every
 * returned tensor out as plain numbers and disposes it. Inputs should be made inside `fn` from
 * plain arrays, so each backend computes from the same numbers on its own memory.
 */
export async function runOnBackend(
  options: BackendOptions,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ info: BackendInfo; outputs: TensorValues[] }> {
  const info = await initBackend(options);
  const result = tf.tidy(fn);
  const tensors = Array.isArray(result) ? result : [result];
  const outputs = tensors.map((t) => ({
    shape: t.shape.slice(),
    values: Array.from(t.dataSync()),
  }));
  tf.dispose(tensors);
  return { info, outputs };
}

/** Largest `|a - b| / (atol + rtol * |b|)` over two value lists (<= 1 means within tolerance). */
export function toleranceRatio(a: number[], b: number[], atol: number, rtol: number): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    const ratio = Math.abs(x - y) / (atol + rtol * Math.abs(y));
    if (Number.isNaN(ratio)) return Infinity;
    if (ratio > worst) worst = ratio;
  }
  return worst;
}

/** Largest absolute difference between two value lists. */
export function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (Number.isNaN(d)) return Infinity;
    if (d > worst) worst = d;
  }
  return worst;
}

/** Deterministic values in [-1, 1) from a seed (a small LCG), for reproducible inputs. */
export function seededValues(count: number, seed: number): number[] {
  let state = seed >>> 0 || 1;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
