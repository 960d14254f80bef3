import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, type Pipeline } from '@seqpipe/spec';
import { expectKilledRunResumesExactly } from './test-support/expect-exact-resume.js';
import { expectNanStop, poisonAtEpoch3 } from './test-support/poison.js';
import { trainSeq2seqPipeline } from './train-seq2seq.js';

/** A tiny reverseDigits task (120 pairs of 3 digits), GRU with dropout so the RNG matters. */
const spec = {
  name: 'seq2seq-controls',
  task: 'seq2seq',
  seed: 5,
  data: {
    source: {
      type: 'generate',
      generator: 'reverseDigits',
      vocabSize: 5,
      length: 3,
      count: 120,
      seed: 2,
    },
    input: 'input',
    target: 'target',
    split: { validation: 0.2 },
  },
  preprocess: { input: { type: 'words' }, target: { type: 'words' } },
  model: { type: 'encoderDecoder', cell: 'gru', units: 8, dropout: 0.2 },
  train: {
    optimizer: { type: 'adam', learningRate: 0.02 },
    epochs: 4,
    batchSize: 16,
    earlyStopping: { monitor: 'valLoss', patience: 5, restoreBestWeights: true },
    reduceLrOnPlateau: { monitor: 'loss', mode: 'max', patience: 1, factor: 0.5 },
    clipNorm: 1,
  },
  backend: { type: 'cpu' },
};
const load = (json: unknown): Pipeline => loadPipeline(JSON.stringify(json), 'controls.json');
const withTrain = (
  train: Record<string, unknown>,
): typeof spec & { train: Record<string, unknown> } => ({
  ...spec,
  train: { ...spec.train, ...train },
});

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-seq2seq-controls-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('seq2seq training controls', () => {
  it('a run killed (SIGKILL) mid-epoch resumes to the same weights and history', async () => {
    await expectKilledRunResumesExactly({
      dir,
      spec,
      train: trainSeq2seqPipeline,
      artifactFiles: ['weights.bin', 'encoder.bin', 'decoder.bin'],
    });
  }, 60_000);

  it('early stopping restores the best epoch; the LR schedule logs its steps', async () => {
    // loss in "max" mode never improves after epoch 1: stop after epoch 2, restore epoch 1.
    const pipeline = load(
      withTrain({
        earlyStopping: { monitor: 'loss', mode: 'max', patience: 0, restoreBestWeights: true },
        reduceLrOnPlateau: { monitor: 'valLoss', mode: 'max', patience: 1, factor: 0.5 },
      }),
    );
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await trainSeq2seqPipeline(pipeline, {
      baseDir: dir,
      artifactDir: join(dir, 'early'),
      log: (line) => lines.push(line),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.record.history['loss']).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('stopped: early stopping: loss has not improved'))).toBe(
      true,
    );
    expect(lines).toContain(
      `restored the weights of epoch 1 (best loss ${result.record.history['loss']?.[0]?.toFixed(4)})`,
    );
    expect(lines).toContain('epoch 2: valLoss plateaued, learning rate 0.02 -> 0.01');
    // The artifact holds epoch 1's weights: those of a run that stops after one epoch.
    await trainSeq2seqPipeline(load(withTrain({ epochs: 1 })), {
      baseDir: dir,
      artifactDir: join(dir, 'one-epoch'),
    });
    const weights = (name: string) => readFile(join(dir, name, 'weights.bin'));
    expect(await weights('early')).toEqual(await weights('one-epoch'));
  }, 30_000);

  it('clipping at a huge norm trains as trainOnBatch does', async () => {
    const { earlyStopping, reduceLrOnPlateau, clipNorm, ...train } = withTrain({ epochs: 2 }).train;
    void earlyStopping;
    void reduceLrOnPlateau;
    void clipNorm;
    const a = await trainSeq2seqPipeline(load({ ...spec, train }), {
      baseDir: dir,
      artifactDir: join(dir, 'plain'),
    });
    const b = await trainSeq2seqPipeline(load({ ...spec, train: { ...train, clipNorm: 1e9 } }), {
      baseDir: dir,
      artifactDir: join(dir, 'clipped'),
    });
    const la = a.record.history['loss'] ?? [];
    const lb = b.record.history['loss'] ?? [];
    expect(lb).toHaveLength(2);
    lb.forEach((v, i) => expect(v).toBeCloseTo(la[i] ?? NaN, 4));
  }, 30_000);

  it('a NaN loss stops with the last good checkpoint named', async () => {
    const checkpoints = join(dir, 'nan-checkpoints');
    const error = await trainSeq2seqPipeline(load(spec), {
      baseDir: dir,
      artifactDir: join(dir, 'nan'),
      checkpointDir: checkpoints,
      callbacks: [poisonAtEpoch3(/kernel/)],
    }).catch((e: unknown) => e);
    await expectNanStop(error, checkpoints);
  }, 30_000);
});
