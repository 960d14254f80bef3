import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeqpipeError, type SeqpipeError } from '@seqpipe/errors';
import type { DataConfig } from '../data-config.js';
import { loadExamples } from '../load-examples.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
let dir: string;

async function caught(promise: Promise<unknown>): Promise<SeqpipeError> {
  try {
    await promise;
  } catch (error) {
    if (isSeqpipeError(error)) return error;
    throw error;
  }
  throw new Error('expected a SeqpipeError');
}

/** A tiny aclImdb/ tree in the real layout (unsup and the README included, and ignored). */
async function makeAclImdb(root: string): Promise<void> {
  const files: Record<string, string> = {
    'train/pos/10_9.txt': 'A great film.<br /><br />Loved it.',
    'train/pos/2_7.txt': 'Fine acting.',
    'train/neg/0_3.txt': 'Bad plot &amp; worse acting.',
    'test/pos/0_10.txt': 'Wonderful.',
    'test/neg/1_1.txt': 'Awful.',
    'train/unsup/0_0.txt': 'not labelled',
    README: 'Large Movie Review Dataset',
    'imdb.vocab': 'the\nand\n',
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeFile(join(root, name), text);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-imdb-'));
  await makeAclImdb(join(dir, 'aclImdb'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const acl = (path = 'aclImdb'): DataConfig => ({
  source: { type: 'aclImdb', path },
  input: 'text',
  target: 'label',
});

describe('aclImdb source', () => {
  it('reads train then test, neg then pos, by id, with labels, splits and cleaning', async () => {
    const examples = await loadExamples(
      { ...acl(), clean: { stripHtml: true, collapseWhitespace: true } },
      { baseDir: dir },
    );
    expect(examples).toEqual([
      { input: 'Bad plot & worse acting.', target: 0, split: 'train' },
      { input: 'Fine acting.', target: 1, split: 'train' },
      { input: 'A great film. Loved it.', target: 1, split: 'train' },
      { input: 'Awful.', target: 0, split: 'test' },
      { input: 'Wonderful.', target: 1, split: 'test' },
    ]);
  });
  it('exposes the rating as a field and reads only the requested splits', async () => {
    const examples = await loadExamples(
      {
        source: { type: 'aclImdb', path: 'aclImdb', splits: ['test'] },
        input: 'text',
        target: 'rating',
      },
      { baseDir: dir },
    );
    expect(examples.map((e) => e.target)).toEqual([1, 10]);
  });
  it('resolves the folder against dataDir (--data-dir) when given', async () => {
    const examples = await loadExamples(acl(), { baseDir: '/nonexistent', dataDir: dir });
    expect(examples).toHaveLength(5);
  });
  it('says where to get the data and where to put it when the folder is missing', async () => {
    const error = await caught(
      loadExamples(acl('data/aclImdb'), { baseDir: dir, file: 'pipelines/imdb-lstm.json' }),
    );
    expect(error.code).toBe('SEQPIPE_DATA_NOT_FOUND');
    expect(error.message).toContain(join(dir, 'data', 'aclImdb'));
    expect(error.message).toContain('aclImdb_v1.tar.gz');
    expect(error.message).toContain('--data-dir');
    expect(error.issues[0]?.path).toBe('/data/source/path');
  });
  it('names a missing split folder and badly named review files', async () => {
    const root = join(dir, 'partial');
    await mkdir(join(root, 'train', 'pos'), { recursive: true });
    await writeFile(join(root, 'train', 'pos', '1_8.txt'), 'ok');
    const error = await caught(loadExamples(acl('partial'), { baseDir: dir }));
    expect(error.code).toBe('SEQPIPE_DATA_NOT_FOUND');
    expect(error.message).toContain('has no train/neg folder');
    await mkdir(join(root, 'train', 'neg'), { recursive: true });
    await writeFile(join(root, 'train', 'neg', 'review.txt'), 'x');
    const bad = await caught(
      loadExamples(
        { ...acl('partial'), source: { type: 'aclImdb', path: 'partial', splits: ['train'] } },
        { baseDir: dir },
      ),
    );
    expect(bad.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(bad.issues.map((i) => i.message)).toEqual([
      'train/neg/review.txt is not named <id>_<rating>.txt',
      `${join(root, 'train', 'neg')} has no <id>_<rating>.txt reviews`,
    ]);
  });
});

const npz = (path: string, extra: Record<string, unknown> = {}): DataConfig => ({
  source: { type: 'imdbNpz', path, wordIndex: 'imdb-tiny-word-index.json', ...extra },
  input: 'text',
  target: 'label',
});

describe('imdbNpz source (files written by numpy, see fixtures/make-imdb-npz.py)', () => {
  const expected = [
    { input: 'the great film', target: 1, split: 'train' },
    { input: 'the bad plot', target: 0, split: 'train' },
    { input: "it's a great film and the plot", target: 1, split: 'train' },
    { input: 'film bad', target: 0, split: 'test' },
  ];
  it.each(['imdb-tiny.npz', 'imdb-tiny-compressed.npz'])(
    'decodes %s with the word index',
    async (file) => {
      const error = await caught(loadExamples(npz(file), { baseDir: fixtures }));
      // test review 1 holds rank 300, which the tiny word index lacks: reported, not skipped.
      expect(error.code).toBe('SEQPIPE_DATA_MALFORMED');
      expect(error.issues[0]?.message).toBe(
        'x_test[1] has word id 300 (rank 300) missing from the word index',
      );
      const train = await loadExamples(npz(file, { splits: ['train'] }), { baseDir: fixtures });
      expect(train).toEqual(expected.slice(0, 3));
    },
  );
  it('applies the Keras load_data conventions with indexFrom 3 (1 start, 2 OOV)', async () => {
    // Ids as keras.datasets.imdb.load_data() returns them: [1, rank + 3 ...], OOV = 2.
    const bytes = await readFile(join(fixtures, 'imdb-tiny.npz'));
    expect(bytes.length).toBeGreaterThan(0);
    const examples = await loadExamples(
      npz('imdb-tiny.npz', { splits: ['train'], indexFrom: 3, oovWord: 'oov' }),
      { baseDir: fixtures },
    );
    // stored [1, 5, 4] read with indexFrom 3: 1 is the start mark, 4 -> rank 1, 5 -> rank 2.
    expect(examples[0]).toEqual({ input: 'and the', target: 1, split: 'train' });
    // [1, 6, 8]: start, rank 3, rank 5; [7, 3, 5, 4, 2, 1, 8]: 3 is reserved, OOV 2 -> "oov".
    expect(examples[1]?.input).toBe('a great');
    expect(examples[2]?.input).toBe('film and the oov great');
  });
  it('reads protocol-2 pickles (Python 2 era files) in a zip64 archive', async () => {
    const index = {
      ...JSON.parse(await readFile(join(fixtures, 'imdb-tiny-word-index.json'), 'utf8')),
      rare: 70000,
      odd: 300,
    };
    await writeFile(join(dir, 'p2-word-index.json'), JSON.stringify(index));
    const examples = await loadExamples(
      {
        source: {
          type: 'imdbNpz',
          path: join(fixtures, 'imdb-protocol2-zip64.npz'),
          wordIndex: 'p2-word-index.json',
          splits: ['test'],
        },
        input: 'text',
        target: 'label',
      },
      { baseDir: dir },
    );
    expect(examples).toEqual([
      { input: 'the great film', target: 1, split: 'test' },
      { input: 'rare and odd', target: 0, split: 'test' },
    ]);
  });
  it('says where to get imdb.npz when it is missing', async () => {
    const error = await caught(
      loadExamples(npz('imdb.npz'), { baseDir: fixtures, file: 'p.json' }),
    );
    expect(error.code).toBe('SEQPIPE_DATA_NOT_FOUND');
    expect(error.message).toContain(join(fixtures, 'imdb.npz'));
    expect(error.message).toContain('~/.keras/datasets');
  });
  it('rejects a truncated archive and a broken word index with the file named', async () => {
    const bytes = await readFile(join(fixtures, 'imdb-tiny-compressed.npz'));
    await writeFile(join(dir, 'cut.npz'), bytes.subarray(0, 400));
    await writeFile(join(dir, 'imdb-tiny-word-index.json'), '{"the": 0}');
    const cut = await caught(loadExamples(npz(join(dir, 'cut.npz')), { baseDir: fixtures }));
    expect(cut.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(cut.message).toContain(join(dir, 'cut.npz'));
    expect(cut.message).toContain('not a readable .npz archive');
    const index = await caught(loadExamples(npz('x.npz'), { baseDir: dir }));
    expect(index.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(index.issues[0]?.path).toBe('/data/source/wordIndex');
    expect(index.message).toContain('maps "the" to 0');
  });
});
