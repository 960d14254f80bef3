import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import { fusedAdam } from './fused-adam.js';
import { values } from './test-support/fused-cases.js';

/** Shapes of the variables: a matrix, a vector whose length is no multiple of 4, a scalar. */
const SHAPES = [[7, 12], [13], []] as const;

/**
 * Runs `steps` updates of `optimizer` on fresh variables with fixed gradients (some variables
 * skip some steps, as with a `null` gradient); returns every variable and moment after, and the
 * kernels the last step ran.
 */
async function train(
  optimizer: tf.AdamOptimizer,
  steps: number,
): Promise<{ weights: number[][]; kernels: string[] }> {
  const vars = SHAPES.map((shape, k) =>
    tf.tidy(() =>
      tf.variable(tf.tensor(values(tf.util.sizeFromShape([...shape]), 10 + k), [...shape])),
    ),
  );
  let kernels: string[] = [];
  for (let s = 0; s < steps; s++) {
    const grads: Record<string, tf.Tensor | null> = {};
    vars.forEach((v, k) => {
      grads[v.name] = (s + k) % 3 === 2 ? null : tf.tensor(values(v.size, 100 * s + k, 2), v.shape);
    });
    const profile = await tf.profile(() =>
      optimizer.applyGradients(
        grads as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0],
      ),
    );
    tf.dispose(Object.values(grads).filter((g) => g !== null));
    kernels = profile.kernelNames;
  }
  const state = optimizer as unknown as {
    accumulatedFirstMoment: Array<{ variable: tf.Variable }>;
    accumulatedSecondMoment: Array<{ variable: tf.Variable }>;
  };
  const weights = [
    ...vars,
    ...state.accumulatedFirstMoment.map((m) => m.variable),
    ...state.accumulatedSecondMoment.map((m) => m.variable),
  ].map((t) => Array.from(t.dataSync()));
  tf.dispose(vars);
  return { weights, kernels };
}

describe('fusedAdam', () => {
  it('on wasm: one kernel per variable, every value bit for bit tf.train.adam', async () => {
    await initBackend({ type: 'wasm', threads: 1 });
    const before = tf.memory().numTensors;
    const stockOptimizer = tf.train.adam(0.01);
    const fusedOptimizer = fusedAdam(0.01);
    const stock = await train(stockOptimizer, 6);
    const fused = await train(fusedOptimizer, 6);
    expect(fused.weights).toEqual(stock.weights);
    expect(stock.kernels).toContain('Sqrt');
    expect(fused.kernels).toContain('SeqpipeAdam');
    expect(fused.kernels).not.toContain('Sqrt');
    // the optimizer state is tfjs' (checkpoints save it): iterations, then each m, then each v
    const saved = await fusedOptimizer.getWeights();
    expect(saved.map((w) => w.name.replace(/^.*\//, ''))).toEqual([
      'iter',
      ...SHAPES.map(() => 'm'),
      ...SHAPES.map(() => 'v'),
    ]);
    tf.dispose(saved[0]!.tensor);
    stockOptimizer.dispose();
    fusedOptimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  // tfjs' threaded build has shared memory, which the kernel does not import.
  it.each([
    ["tfjs' threaded wasm build", { type: 'wasm', threads: 2, xnnpackThreads: 2 }],
    ['the cpu backend', { type: 'cpu' }],
  ] as const)('elsewhere it is tf.train.adam: %s', async (_, options) => {
    await initBackend(options);
    const before = tf.memory().numTensors;
    const stockOptimizer = tf.train.adam(0.01);
    const fusedOptimizer = fusedAdam(0.01);
    const stock = await train(stockOptimizer, 3);
    const fused = await train(fusedOptimizer, 3);
    expect(fused.weights).toEqual(stock.weights);
    expect(fused.kernels).not.toContain('SeqpipeAdam');
    stockOptimizer.dispose();
    fusedOptimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
