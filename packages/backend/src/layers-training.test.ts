import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { BackendOptions } from './backend-info.js';
import { initBackend } from './init-backend.js';
import { seededValues, toleranceRatio } from './test-support/run-on-backend.js';

const VOCAB = 40;
const SEQ = 7;
const BATCH = 4;
const IDS = seededValues(BATCH * SEQ, 41).map((v) => Math.floor((v + 1) * (VOCAB / 2)));
const LABELS = [1, 0, 0, 1];

type Recurrent = 'lstm' | 'gru' | 'simpleRNN';

function buildModel(recurrent: Recurrent, withDropout: boolean): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.embedding({ inputDim: VOCAB, outputDim: 8, inputLength: SEQ }));
  const config = { units: 6, ...(withDropout ? { dropout: 0.2, recurrentDropout: 0.1 } : {}) };
  model.add(tfl.layers[recurrent](config));
  if (withDropout) model.add(tfl.layers.dropout({ rate: 0.3 }));
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}

/** Same starting weights on every backend: seeded values, scaled per tensor. */
function setSeededWeights(model: tfl.LayersModel): void {
  const weights = model.getWeights().map((w, i) =>
    tf.tensor(
      seededValues(w.size, 100 + i).map((v) => v * 0.5),
      w.shape,
    ),
  );
  model.setWeights(weights);
  tf.dispose(weights);
}

interface StepResult {
  loss: number;
  weights: number[][];
}

/** One SGD step (learning rate 1, so the weight change is exactly the gradient). */
async function trainStep(options: BackendOptions, recurrent: Recurrent): Promise<StepResult> {
  await initBackend(options);
  const tensorsBefore = tf.memory().numTensors;
  const model = buildModel(recurrent, false);
  setSeededWeights(model);
  const optimizer = tf.train.sgd(1);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(IDS, [BATCH, SEQ]);
  const y = tf.tensor2d(LABELS, [BATCH, 1]);
  const loss = (await model.trainOnBatch(x, y)) as number;
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  return { loss, weights };
}

describe('tfjs-layers training on wasm matches cpu', () => {
  it.each<Recurrent>(['lstm', 'gru', 'simpleRNN'])(
    'Embedding + %s + Dense: one SGD step gives the same loss and weights (1e-4)',
    async (recurrent) => {
      const cpu = await trainStep({ type: 'cpu' }, recurrent);
      const wasm = await trainStep({ type: 'wasm' }, recurrent);
      expect(Number.isFinite(cpu.loss)).toBe(true);
      expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThanOrEqual(1e-4);
      expect(wasm.weights.length).toBe(cpu.weights.length);
      cpu.weights.forEach((w, i) => {
        expect(toleranceRatio(wasm.weights[i]!, w, 1e-4, 0), `weight ${i}`).toBeLessThanOrEqual(1);
      });
      // The step changed the embedding rows it looked up, and no others.
      const start = tf.tidy(() => {
        const model = buildModel(recurrent, false);
        setSeededWeights(model);
        const first = Array.from(model.getWeights()[0]!.dataSync());
        model.dispose();
        return first;
      });
      const moved = new Set<number>();
      for (let i = 0; i < start.length; i++) {
        if (start[i] !== wasm.weights[0]![i]) moved.add(Math.floor(i / 8));
      }
      expect([...moved].every((row) => IDS.includes(row))).toBe(true);
      expect(moved.size).toBeGreaterThan(0);
    },
  );

  it('every kernel LSTM/GRU/SimpleRNN/Embedding/Dense/Dropout training uses exists on wasm', async () => {
    await initBackend({ type: 'cpu' });
    const used = new Set<string>();
    for (const recurrent of ['lstm', 'gru', 'simpleRNN'] as const) {
      const model = buildModel(recurrent, true);
      const optimizer = tf.train.adam(0.01);
      model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      const x = tf.tensor2d(IDS, [BATCH, SEQ]);
      const y = tf.tensor2d(LABELS, [BATCH, 1]);
      const profile = await tf.profile(async () => {
        await model.trainOnBatch(x, y);
        tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync());
      });
      // Names ending in `__op` are customGrad wrappers (e.g. fusedMatMul__op), not kernels.
      for (const k of profile.kernels) if (!k.name.endsWith('__op')) used.add(k.name);
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    }
    await initBackend({ type: 'wasm' });
    const missing = [...used].filter((name) => getKernel(name, 'wasm') === undefined);
    console.info(`kernels used by RNN training: ${[...used].sort().join(' ')}`);
    expect(used.size).toBeGreaterThan(20);
    expect(used.has('UnsortedSegmentSum')).toBe(true);
    expect(missing).toEqual([]);

    // And the same training runs on wasm with finite losses.
    for (const recurrent of ['lstm', 'gru', 'simpleRNN'] as const) {
      const model = buildModel(recurrent, true);
      model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
      const x = tf.tensor2d(IDS, [BATCH, SEQ]);
      const y = tf.tensor2d(LABELS, [BATCH, 1]);
      const loss = (await model.trainOnBatch(x, y)) as number;
      expect(Number.isFinite(loss)).toBe(true);
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});
