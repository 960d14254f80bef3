import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel, loadPipeline } from '@seqpipe/spec';
import { createEarlyStopping } from './early-stopping.js';
import { fitModel, type FitOptions, type TensorSplit, type TrainEndInfo } from './fit.js';
import { getLearningRate } from './learning-rate.js';
import { createReduceLrOnPlateau } from './reduce-lr-on-plateau.js';

function pipeline(optimizer: { type: string; learningRate: number }) {
  return loadPipeline(
    JSON.stringify({
      name: 'controls-test',
      task: 'binaryClassification',
      data: { source: { type: 'inline', records: [{ t: 'x', y: 0 }] }, input: 't', target: 'y' },
      preprocess: { maxLen: 4 },
      model: {
        type: 'classifier',
        layers: [
          { type: 'embedding', outputDim: 4 },
          { type: 'gru', units: 4 },
          { type: 'dense', units: 1, activation: 'sigmoid' },
        ],
      },
      train: { optimizer, epochs: 3, batchSize: 3 },
    }),
  );
}

/** 12 sequences over a 6-word vocabulary: label 1 when word 5 occurs. */
function split(): TensorSplit {
  const rows = [
    [5, 1, 2, 0],
    [1, 2, 3, 0],
    [2, 5, 0, 0],
    [3, 3, 1, 0],
    [4, 4, 5, 2],
    [1, 1, 1, 1],
    [5, 5, 0, 0],
    [2, 3, 4, 0],
    [1, 5, 1, 0],
    [4, 3, 2, 1],
    [3, 1, 5, 4],
    [2, 2, 2, 0],
  ];
  return {
    x: tf.tensor2d(rows, [12, 4], 'int32'),
    y: tf.tensor2d(
      rows.map((r) => [r.includes(5) ? 1 : 0]),
      [12, 1],
    ),
  };
}

async function withModel<T>(
  optimizer: { type: string; learningRate: number },
  run: (model: LayersModel, data: TensorSplit) => Promise<T>,
): Promise<T> {
  const data = split();
  const model = compileModel(pipeline(optimizer), {
    vocabSize: 6,
    inputLength: 4,
    numClasses: 2,
    seed: 7,
  });
  try {
    return await run(model, data);
  } finally {
    model.dispose();
    tf.dispose([data.x, data.y]);
  }
}

const snapshot = (model: LayersModel): Float32Array[] =>
  model.getWeights().map((w) => Float32Array.from(w.dataSync()));

const base = (data: TensorSplit): FitOptions => ({
  epochs: 3,
  batchSize: 3,
  seed: 1,
  validation: data,
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('training controls', () => {
  it('early stopping stops after patience and restores the best epoch weights', async () => {
    const before = tf.memory().numTensors;
    await withModel({ type: 'adam', learningRate: 0.05 }, async (model, data) => {
      // "max" on a falling loss: epoch 1 is the best, epoch 2 does not improve -> stop.
      const stopping = createEarlyStopping(
        { monitor: 'loss', mode: 'max', patience: 0, minDelta: 0, restoreBestWeights: true },
        model,
      );
      const perEpoch: Float32Array[][] = [];
      let end: TrainEndInfo | undefined;
      const history = await fitModel(model, data, {
        ...base(data),
        epochs: 5,
        callbacks: [
          { onEpochEnd: () => void perEpoch.push(snapshot(model)) },
          stopping,
          { onTrainEnd: (info) => void (end = info) },
        ],
      });
      expect(history['loss']).toHaveLength(2);
      expect(end?.epochsRun).toBe(2);
      expect(end?.stopReason).toMatch(/^early stopping: loss has not improved for 1 epochs/);
      expect(snapshot(model)).toEqual(perEpoch[0]);
      expect(perEpoch[1]).not.toEqual(perEpoch[0]);
      stopping.dispose?.();
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the logged figures when the monitored one does not exist', async () => {
    await withModel({ type: 'adam', learningRate: 0.05 }, async (model, data) => {
      const stopping = createEarlyStopping(
        { monitor: 'valAcc', mode: 'auto', patience: 0, minDelta: 0, restoreBestWeights: false },
        model,
      );
      await expect(fitModel(model, data, { ...base(data), callbacks: [stopping] })).rejects.toThrow(
        '/train/earlyStopping/monitor is "valAcc", which this run does not log; it logs loss, accuracy, valLoss, valAccuracy.',
      );
    });
  });

  it('reduces the learning rate on a plateau, after patience, down to minLr', async () => {
    await withModel({ type: 'adam', learningRate: 0.05 }, async (model, data) => {
      const lines: string[] = [];
      const reduce = createReduceLrOnPlateau(
        {
          monitor: 'loss',
          mode: 'max',
          factor: 0.5,
          patience: 1,
          minDelta: 0,
          cooldown: 0,
          minLr: 0.02,
        },
        model,
        (line) => lines.push(line),
      );
      await fitModel(model, data, { ...base(data), epochs: 4, callbacks: [reduce] });
      // epoch 2: 0.05 -> 0.025; epoch 3: -> 0.02 (minLr); epoch 4: stays at minLr.
      expect(getLearningRate(model.optimizer)).toBe(0.02);
      expect(lines).toEqual([
        'epoch 2: loss plateaued, learning rate 0.05 -> 0.025',
        'epoch 3: loss plateaued, learning rate 0.025 -> 0.02',
      ]);
    });
  });

  it('class weights of 1 match trainOnBatch; weights of 0 leave the model unchanged', async () => {
    const plain = await withModel({ type: 'adam', learningRate: 0.05 }, (model, data) =>
      fitModel(model, data, base(data)),
    );
    const ones = await withModel({ type: 'adam', learningRate: 0.05 }, (model, data) =>
      fitModel(model, data, { ...base(data), classWeights: [1, 1] }),
    );
    ones['loss']!.forEach((v, i) => expect(v).toBeCloseTo(plain['loss']![i]!, 5));
    ones['accuracy']!.forEach((v, i) => expect(v).toBeCloseTo(plain['accuracy']![i]!, 6));
    await withModel({ type: 'adam', learningRate: 0.05 }, async (model, data) => {
      const start = snapshot(model);
      const history = await fitModel(model, data, { ...base(data), classWeights: [0, 0] });
      expect(history['loss']).toEqual([0, 0, 0]);
      expect(snapshot(model)).toEqual(start);
    });
  });

  it('clipNorm bounds each gradient tensor, clipValue each element (SGD, learning rate 1)', async () => {
    for (const clip of [{ clipNorm: 1e-3 }, { clipValue: 1e-4 }]) {
      await withModel({ type: 'sgd', learningRate: 1 }, async (model, data) => {
        const start = snapshot(model);
        await fitModel(model, data, { ...base(data), epochs: 1, ...clip });
        const end = snapshot(model);
        // 4 steps of at most clipNorm (L2) or clipValue (per element) each.
        for (const [i, w] of end.entries()) {
          const delta = w.map((v, j) => v - start[i]![j]!);
          if ('clipNorm' in clip) expect(Math.hypot(...delta)).toBeLessThanOrEqual(4e-3 + 1e-6);
          else expect(Math.max(...delta.map(Math.abs))).toBeLessThanOrEqual(4e-4 + 1e-7);
        }
        expect(end.some((w, i) => w.some((v, j) => v !== start[i]![j]))).toBe(true);
      });
    }
  });

  it('a time budget ends the run before the next epoch', async () => {
    await withModel({ type: 'adam', learningRate: 0.05 }, async (model, data) => {
      let end: TrainEndInfo | undefined;
      const history = await fitModel(model, data, {
        ...base(data),
        maxSeconds: 60,
        elapsedSeconds: 60,
        callbacks: [{ onTrainEnd: (info) => void (end = info) }],
      });
      expect(history).toEqual({});
      expect(end).toEqual({
        epochsRun: 0,
        lastEpoch: -1,
        stopReason: 'time budget of 1.00 min reached before epoch 1',
      });
    });
  });
});
