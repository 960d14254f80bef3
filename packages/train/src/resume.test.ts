import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeqpipeError } from '@seqpipe/errors';
import { loadPipeline, type Pipeline } from '@seqpipe/spec';
import { trainPipeline } from './train-pipeline.js';
import { expectNanStop, poisonAtEpoch3 } from './test-support/poison.js';
import { expectKilledRunResumesExactly } from './test-support/expect-exact-resume.js';

const positive = ['good', 'great', 'fine', 'nice'];
const negative = ['bad', 'awful', 'poor', 'dull'];
const neutral = ['movie', 'plot', 'the', 'a', 'cast'];
/** 40 short texts, alternating labels: a positive or negative word among neutral ones. */
const records = Array.from({ length: 40 }, (_, i) => {
  const label = i % 2;
  const word = (label === 1 ? positive : negative)[i % 4];
  const text = [neutral[i % 5], word, neutral[(i * 3) % 5], neutral[(i + 2) % 5]].join(' ');
  return { text, label };
});

const spec = {
  name: 'resume-test',
  task: 'binaryClassification',
  seed: 11,
  data: { source: { type: 'inline', records }, input: 'text', target: 'label' },
  preprocess: { maxLen: 4 },
  model: {
    type: 'classifier',
    layers: [
      { type: 'embedding', outputDim: 4 },
      { type: 'lstm', units: 4, dropout: 0.2, recurrentDropout: 0.2 },
      { type: 'dropout', rate: 0.3 },
      { type: 'dense', units: 1, activation: 'sigmoid' },
    ],
  },
  train: {
    optimizer: { type: 'adam', learningRate: 0.02 },
    epochs: 4,
    batchSize: 4,
    earlyStopping: { monitor: 'valLoss', patience: 5, restoreBestWeights: true },
    reduceLrOnPlateau: { monitor: 'loss', mode: 'max', patience: 1, factor: 0.5 },
    clipNorm: 5,
    classWeight: 'balanced',
  },
  backend: { type: 'cpu' },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-resume-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const load = (json: unknown): Pipeline => loadPipeline(JSON.stringify(json), 'resume-test.json');

describe('checkpoints and --resume', () => {
  it('continues a run killed (SIGKILL) mid-epoch to the same weights and history as an uninterrupted run', async () => {
    await expectKilledRunResumesExactly({
      dir,
      spec,
      train: trainPipeline,
      artifactFiles: ['weights.bin'],
    });
  }, 60_000);

  it('refuses to resume another pipeline, or without a checkpoint', async () => {
    const changed = load({ ...spec, train: { ...spec.train, batchSize: 8 } });
    const error = await trainPipeline(changed, {
      baseDir: dir,
      artifactDir: join(dir, 'other'),
      checkpointDir: join(dir, 'full-checkpoints'),
      resume: true,
    }).catch((e: unknown) => e);
    expect(isSeqpipeError(error) && error.code).toBe('SEQPIPE_ARTIFACT_INVALID');
    expect((error as Error).message).toContain('different version of this pipeline');
    const none = await trainPipeline(load(spec), {
      baseDir: dir,
      artifactDir: join(dir, 'other'),
      checkpointDir: join(dir, 'nothing-here'),
      resume: true,
    }).catch((e: unknown) => e);
    expect(isSeqpipeError(none) && none.code).toBe('SEQPIPE_ARTIFACT_NOT_FOUND');
  }, 30_000);

  it('a NaN loss stops the run with a clear error and keeps the last good checkpoint', async () => {
    const checkpoints = join(dir, 'nan-checkpoints');
    const error = await trainPipeline(load(spec), {
      baseDir: dir,
      artifactDir: join(dir, 'nan'),
      checkpointDir: checkpoints,
      callbacks: [poisonAtEpoch3(/^dense\/kernel/)],
    }).catch((e: unknown) => e);
    await expectNanStop(error, checkpoints);
  }, 30_000);
});
