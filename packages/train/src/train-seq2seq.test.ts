import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranslator } from '@seqpipe/runtime';
import { loadPipeline } from '@seqpipe/spec';
import { END_ID, START_ID } from '@seqpipe/text';
import { encodePairs, prepareSeq2seqData, trainSeq2seqPipeline } from './train-seq2seq.js';

const pipeline = loadPipeline(
  JSON.stringify({
    name: 'tiny-reverse',
    task: 'seq2seq',
    seed: 7,
    data: {
      source: {
        type: 'generate',
        generator: 'reverseDigits',
        vocabSize: 5,
        length: 3,
        count: 240,
        seed: 3,
      },
      input: 'input',
      target: 'target',
      split: { validation: 0.1, test: 0.1 },
    },
    preprocess: { input: { type: 'words' }, target: { type: 'words' } },
    model: {
      type: 'encoderDecoder',
      cell: 'gru',
      units: 12,
      decode: { strategy: 'beam', beamWidth: 3 },
    },
    train: { optimizer: { type: 'adam', learningRate: 0.02 }, epochs: 3, batchSize: 32 },
    backend: { type: 'cpu' },
  }),
);

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-seq2seq-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('prepareSeq2seqData / encodePairs', () => {
  it('teacher forcing: decoder input is the target shifted right behind the start token', () => {
    const data = prepareSeq2seqData(pipeline, [
      { input: '1 2 3', target: '3 2 1' },
      { input: '2 2', target: '2 2' },
    ]);
    const pairs = encodePairs(data, [
      { input: '1 2 3', target: '3 2 1' },
      { input: '2 2', target: '2 2' },
    ]);
    const [one, two, three] = ['1', '2', '3'].map((t) => data.target.encode(t)[0] as number);
    expect(Array.from(pairs.decoderInput)).toEqual([
      START_ID,
      three,
      two,
      one,
      START_ID,
      two,
      two,
      0,
    ]);
    expect(Array.from(pairs.decoderTarget)).toEqual([three, two, one, END_ID, two, two, END_ID, 0]);
    expect(Array.from(pairs.targetLengths)).toEqual([4, 3]);
    expect(Array.from(pairs.sourceLengths)).toEqual([3, 2]);
  });
});

describe('trainSeq2seqPipeline', () => {
  it('trains, writes a seq2seq artifact the runtime translates with, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const result = await trainSeq2seqPipeline(pipeline, {
      baseDir: dir,
      artifactDir: join(dir, 'a'),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.manifest.task).toBe('seq2seq');
    expect(result.record.history['loss']?.length).toBe(3);
    const losses = result.record.history['loss'] as number[];
    expect(losses[2]).toBeLessThan(losses[0] as number);
    expect(Object.keys(result.manifest.files).sort()).toEqual([
      'decoder.bin',
      'decoder.json',
      'encoder.bin',
      'encoder.json',
      'model.json',
      'training.json',
      'vocabularies.json',
      'weights.bin',
    ]);

    const translator = await loadTranslator(
      (file) => readFile(join(dir, 'a', file)).then((b) => new Uint8Array(b)),
      {
        backend: false,
      },
    );
    const afterLoad = tf.memory().numTensors;
    const sources = ['1 2 3', '4 4 1', '2 3 4'];
    const greedy = await translator.translate(sources, { strategy: 'greedy' });
    const width1 = await translator.translate(sources, { strategy: 'beam', beamWidth: 1 });
    const beam = await translator.translate(sources, { strategy: 'beam', beamWidth: 3 });
    expect(width1.map((t) => t.translation)).toEqual(greedy.map((t) => t.translation));
    beam.forEach((b, i) =>
      expect(b.logProb).toBeGreaterThanOrEqual((greedy[i]?.logProb ?? 0) - 1e-5),
    );
    for (const t of [...greedy, ...beam]) expect(t.tokens.length).toBeLessThanOrEqual(3);
    const short = await translator.translate(sources, { strategy: 'greedy', maxLength: 1 });
    for (const t of short) expect(t.tokens.length).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(afterLoad);
    translator.dispose();
  }, 60_000);
});
