import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { seededValues } from '../test-support/run-on-backend.js';
import { fuseModel } from './fuse-recurrent.js';
import { fuseLoss, fusedCategoricalCrossentropy } from './fused-losses.js';

const [B, T, C] = [3, 4, 6];

/**
 * Predictions that exercise every branch: rows of positive values not summing to 1 (the loss
 * rescales them), entries under ε and over 1 − ε after rescaling (clipped: no gradient), and
 * targets that are one-hot, soft, or all zero (padding).
 */
function inputs(): { yTrue: tf.Tensor; yPred: tf.Tensor } {
  const raw = seededValues(B * T * C, 7).map((v) => (v + 1.2) * 2);
  // row 1: one class takes almost everything (> 1 - ε); row 2: tiny entries (< ε)
  for (let c = 0; c < C; c++) raw[C + c] = c === 2 ? 5 : 1e-9;
  raw[2 * C + 4] = 1e-12;
  const target = new Array<number>(B * T * C).fill(0);
  for (let r = 0; r < B * T; r++) target[r * C + ((r * 5) % C)] = 1;
  target[C + 2] = 1; // the near-1 class: clipped at 1 - ε
  target[2 * C + 4] = 1; // the tiny one: clipped at ε
  for (let c = 0; c < C; c++) target[3 * C + c] = c < 2 ? 0.5 : 0; // soft
  for (let c = 0; c < C; c++) target[4 * C + c] = 0; // padding
  return { yTrue: tf.tensor3d(target, [B, T, C]), yPred: tf.tensor3d(raw, [B, T, C]) };
}

/** Loss values and the gradient of their weighted sum with respect to yPred. */
function lossAndGradient(loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor): {
  value: number[];
  grad: number[];
} {
  return tf.tidy(() => {
    const { yTrue, yPred } = inputs();
    const weights = tf.tensor2d(seededValues(B * T, 3), [B, T]);
    const value = Array.from(loss(yTrue, yPred).dataSync());
    const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(loss(yTrue, p), weights)))(yPred);
    return { value, grad: Array.from(grad.dataSync()) };
  });
}

function expectClose(got: number[], want: number[], rtol: number): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(...want.map(Math.abs));
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(rtol * scale));
}

describe('fusedCategoricalCrossentropy', () => {
  it.each(['cpu', 'wasm'] as const)(
    'gives tfjs-layers values and gradients on %s (rescaling, clipping, soft and zero targets)',
    async (type) => {
      await initBackend({ type });
      const want = lossAndGradient(tfl.metrics.categoricalCrossentropy);
      const got = lossAndGradient(fusedCategoricalCrossentropy);
      expectClose(got.value, want.value, 1e-6);
      expectClose(got.grad, want.grad, 1e-6);
      // the clipped entries get no gradient, as with tfjs' clipByValue
      expect(want.grad[C + 2]).toBe(0);
      expect(got.grad[C + 2]).toBe(0);
      expect(got.value[4]).toBe(want.value[4]);
    },
  );

  it('refuses targets and predictions of different sizes', async () => {
    await initBackend({ type: 'cpu' });
    expect(() => fusedCategoricalCrossentropy(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(
      /same shape/,
    );
  });
});

function classifier(loss: string): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      units: C,
      inputShape: [5],
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model.compile({ optimizer: tf.train.sgd(0.5), loss });
  return model;
}

/** The compiled loss functions (a Sequential keeps them on its inner model). */
function lossFunctions(m: tfl.LayersModel): unknown[] | undefined {
  const inner = (m as unknown as { model: { lossFunctions?: unknown[] } }).model;
  return inner.lossFunctions;
}

describe('fuseLoss', () => {
  it('trains a categoricalCrossentropy model as tfjs-layers does', async () => {
    await initBackend({ type: 'wasm' });
    const x = tf.tensor2d(seededValues(8 * 5, 1), [8, 5]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 0, 1], 'int32'), C);
    const stock = classifier('categoricalCrossentropy');
    const fused = fuseModel(classifier('categoricalCrossentropy'));
    expect(lossFunctions(fused)![0]).not.toBe(lossFunctions(stock)![0]);
    const stockLosses = [];
    const fusedLosses = [];
    for (let step = 0; step < 3; step++) {
      stockLosses.push((await stock.trainOnBatch(x, y)) as number);
      fusedLosses.push((await fused.trainOnBatch(x, y)) as number);
    }
    expectClose(fusedLosses, stockLosses, 1e-6);
    expectClose(
      Array.from(fused.getWeights()[0]!.dataSync()),
      Array.from(stock.getWeights()[0]!.dataSync()),
      1e-5,
    );
    expect((fused as unknown as { loss: unknown }).loss).toBe('categoricalCrossentropy');
    tf.dispose([x, y]);
    stock.dispose();
    fused.dispose();
  });

  it('leaves other losses and uncompiled models alone, and applies once', async () => {
    await initBackend({ type: 'wasm' });
    const functions = lossFunctions;
    const binary = classifier('binaryCrossentropy');
    const before = functions(binary)![0];
    expect(functions(fuseLoss(binary))![0]).toBe(before);
    const categorical = classifier('categoricalCrossentropy');
    const stock = functions(categorical)![0];
    const once = functions(fuseLoss(categorical))![0];
    expect(once).not.toBe(stock);
    expect(functions(fuseLoss(categorical))![0]).toBe(once);
    const uncompiled = tfl.sequential({
      layers: [tfl.layers.dense({ units: 2, inputShape: [3] })],
    });
    expect(fuseLoss(uncompiled)).toBe(uncompiled);
    binary.dispose();
    categorical.dispose();
    uncompiled.dispose();
  });
});
