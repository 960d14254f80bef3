import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel, loadPipeline } from '@seqpipe/spec';
import { epochSeed, fitModel, type TensorSplit } from './fit.js';

const pipeline = loadPipeline(
  JSON.stringify({
    name: 'fit-test',
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
    train: { optimizer: { type: 'adam', learningRate: 0.05 }, epochs: 3, batchSize: 3 },
  }),
);

/** 10 sequences over a 6-word vocabulary: label 1 when word 5 occurs. */
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
  ];
  return {
    x: tf.tensor2d(rows, [10, 4], 'int32'),
    y: tf.tensor2d(
      rows.map((r) => [r.includes(5) ? 1 : 0]),
      [10, 1],
    ),
  };
}

async function train(seed: number) {
  const data = split();
  const model = compileModel(pipeline, { vocabSize: 6, inputLength: 4, numClasses: 2, seed });
  try {
    return await fitModel(model, data, { epochs: 3, batchSize: 3, seed, validation: data });
  } finally {
    model.dispose();
    tf.dispose([data.x, data.y]);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fitModel', () => {
  it('returns a Keras-style history: one value per epoch for loss, accuracy and their validation twins', async () => {
    const history = await train(1);
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss']);
    for (const values of Object.values(history)) expect(values).toHaveLength(3);
    expect(history['loss']![2]).toBeLessThan(history['loss']![0]!);
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const a = await train(3);
    const b = await train(3);
    const c = await train(4);
    expect(b).toEqual(a);
    expect(c['loss']).not.toEqual(a['loss']);
  });

  it('leaves no tensor behind', async () => {
    await train(5); // warm-up: the optimizer registers its state lazily
    const before = tf.memory().numTensors;
    await train(5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('derives a distinct batch-order seed per epoch', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, e) => epochSeed(42, e)));
    expect(seeds.size).toBe(100);
  });
});
