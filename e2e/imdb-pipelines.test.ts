import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@seqpipe/cli';
import { loadPipeline } from '@seqpipe/spec';
import { captureIo } from '../tools/test-fixtures/capture-io.js';

const root = join(import.meta.dirname, '..');
const pipelines = ['imdb-lstm', 'imdb-gru', 'imdb-bilstm', 'imdb-stacked', 'imdb-lstm-aclimdb'];
const fixtures = join(root, 'packages', 'data', 'src', 'fixtures');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-imdb-e2e-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = (name: string): string => join(root, 'pipelines', `${name}.json`);

describe('IMDB pipelines (seed 003)', () => {
  it('imdb-lstm is the seed exactly; the variants change only the recurrent part', async () => {
    const seed = loadPipeline(await readFile(file('imdb-lstm'), 'utf8'), 'imdb-lstm.json');
    expect(seed.preprocess).toMatchObject({ numWords: 10000, maxLen: 250, padding: 'pre' });
    expect(seed.model).toEqual({
      type: 'classifier',
      layers: [
        expect.objectContaining({ type: 'embedding', outputDim: 32 }),
        expect.objectContaining({ type: 'lstm', units: 32, returnSequences: false }),
        expect.objectContaining({ type: 'dense', units: 1, activation: 'sigmoid' }),
      ],
    });
    expect(seed.train).toMatchObject({ epochs: 10, batchSize: 128, loss: 'binaryCrossentropy' });
    expect(seed.train.optimizer.type).toBe('adam');
    expect(seed.data.split.validation).toBe(0.2);
    for (const name of pipelines.slice(1)) {
      const variant = loadPipeline(await readFile(file(name), 'utf8'), `${name}.json`);
      expect(variant.preprocess).toEqual(
        name === 'imdb-lstm-aclimdb' ? { ...seed.preprocess, fitOn: 'train' } : seed.preprocess,
      );
      expect(variant.train.epochs).toBe(10);
    }
  });

  it.each(pipelines)(
    '%s fails without the data, saying where to get it and where to put it',
    async (name) => {
      const empty = join(dir, 'empty');
      const io = captureIo(root);
      expect(
        await main(['train', file(name), '--data-dir', empty, '--out', join(dir, name)], io),
      ).toBe(1);
      const err = io.err();
      expect(err).toMatch(/^error SEQPIPE_DATA_NOT_FOUND: /);
      if (name === 'imdb-lstm-aclimdb') {
        expect(err).toContain(`the aclImdb folder does not exist: ${join(empty, 'aclImdb')}`);
        expect(err).toContain('aclImdb_v1.tar.gz');
      } else {
        expect(err).toContain(
          `imdb_word_index.json was not found: ${join(empty, 'imdb_word_index.json')}`,
        );
        expect(err).toContain('~/.keras/datasets/');
      }
      expect(err).toContain('--data-dir');
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
    },
  );

  it('imdb-lstm trains on a Keras-format imdb.npz given with --data-dir, test set = x_test', async () => {
    const data = join(dir, 'keras');
    await rm(data, { recursive: true, force: true });
    await mkdir(data, { recursive: true });
    await copyFile(join(fixtures, 'imdb-tiny.npz'), join(data, 'imdb.npz'));
    const index = JSON.parse(await readFile(join(fixtures, 'imdb-tiny-word-index.json'), 'utf8'));
    await writeFile(join(data, 'imdb_word_index.json'), JSON.stringify({ ...index, fine: 300 }));
    const out = join(dir, 'artifacts', 'imdb-lstm');
    const io = captureIo(root);
    const code = await main(['train', file('imdb-lstm'), '--data-dir', data, '--out', out], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain('data: 5 examples → train 2 · validation 1 · test 2');
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.training).toMatchObject({ epochs: 10, trainSize: 2, validationSize: 1 });
    // The checkpoint of the last epoch is beside the artifact; --resume has nothing left to do.
    const latest = JSON.parse(
      await readFile(join(dir, 'artifacts', '.checkpoints', 'imdb-lstm', 'latest.json'), 'utf8'),
    );
    expect(latest).toEqual({ epoch: 9, dir: 'epoch-0010' });
    const again = captureIo(root);
    expect(
      await main(['train', file('imdb-lstm'), '--data-dir', data, '--out', out, '--resume'], again),
    ).toBe(0);
    expect(again.out()).toContain('resuming after epoch 10/10');
  }, 120_000);
});
