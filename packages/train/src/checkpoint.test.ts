import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel, loadPipeline } from '@seqpipe/spec';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { fitModel } from './fit.js';

const pipeline = loadPipeline(
  JSON.stringify({
    name: 'checkpoint-test',
    task: 'binaryClassification',
    data: { source: { type: 'inline', records: [{ t: 'x', y: 0 }] }, input: 't', target: 'y' },
    preprocess: { maxLen: 3 },
    model: {
      type: 'classifier',
      layers: [
        { type: 'embedding', outputDim: 3 },
        { type: 'lstm', units: 3 },
        { type: 'dense', units: 1, activation: 'sigmoid' },
      ],
    },
    train: { optimizer: { type: 'adam', learningRate: 0.1 }, epochs: 1, batchSize: 2 },
  }),
);
const build = (): LayersModel =>
  compileModel(pipeline, { vocabSize: 5, inputLength: 3, numClasses: 2, seed: 3 });
const internals = (m: LayersModel) =>
  ['accBeta1', 'accBeta2'].map((k) =>
    Array.from(
      ((m.optimizer as unknown as Record<string, tf.Variable>)[k] as tf.Variable).dataSync(),
    ),
  );

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-checkpoint-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('saveCheckpoint / loadCheckpoint', () => {
  it("restores weights, Adam's slots, step count and running beta powers bit for bit", async () => {
    const x = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 1, 0],
        [2, 2, 0],
        [3, 0, 0],
      ],
      [4, 3],
      'int32',
    );
    const y = tf.tensor2d([[1], [0], [1], [0]]);
    const trained = build();
    const fresh = build();
    try {
      // 300 Adam steps: beta^(t+1) recomputed by setWeights would differ from the running product.
      await fitModel(trained, { x, y }, { epochs: 150, batchSize: 2, seed: 1 });
      await saveCheckpoint(dir, {
        model: trained,
        pipelineHash: 'h',
        epoch: 149,
        history: {},
        seconds: 1,
        callbacks: [],
      });
      expect((await readdir(dir)).sort()).toEqual(['epoch-0150', 'latest.json']);
      const checkpoint = await loadCheckpoint(dir, 'h');
      await checkpoint.restore(fresh, []);
      expect(fresh.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
        trained.getWeights().map((w) => Array.from(w.dataSync())),
      );
      const slots = async (m: LayersModel) => {
        const named = await m.optimizer.getWeights();
        const values = named.map((n) => [n.name, Array.from(n.tensor.dataSync())]);
        tf.dispose(named.filter((n) => !(n.tensor instanceof tf.Variable)).map((n) => n.tensor));
        return values;
      };
      expect(await slots(fresh)).toEqual(await slots(trained));
      expect(internals(fresh)).toEqual(internals(trained));
      // And the next steps agree exactly.
      await fitModel(trained, { x, y }, { epochs: 151, batchSize: 2, seed: 1, initialEpoch: 150 });
      await fitModel(fresh, { x, y }, { epochs: 151, batchSize: 2, seed: 1, initialEpoch: 150 });
      expect(fresh.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
        trained.getWeights().map((w) => Array.from(w.dataSync())),
      );
    } finally {
      trained.dispose();
      fresh.dispose();
      tf.dispose([x, y]);
    }
  });
});
