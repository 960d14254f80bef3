import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSeqpipeError, type SeqpipeError } from '@seqpipe/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExamples } from './load-examples.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-seq2seq-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<SeqpipeError> {
  try {
    await promise;
  } catch (error) {
    if (isSeqpipeError(error)) return error;
    throw error;
  }
  throw new Error('expected a SeqpipeError');
}

describe('tsv pair files (seed 002 data.txt shape)', () => {
  it('ignores extra columns (Tatoeba attribution) and a trailing blank line', async () => {
    const path = join(dir, 'pairs.tsv');
    await writeFile(
      path,
      'Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\nHi.\tSalut !\t#538123\n\n',
    );
    const examples = await loadExamples(
      { source: { type: 'tsv', path: 'pairs.tsv' }, input: 0, target: 1 },
      { baseDir: dir },
    );
    expect(examples).toEqual([
      { input: 'Go.', target: 'Va !' },
      { input: 'Hi.', target: 'Salut !' },
    ]);
  });

  it('reports blank and malformed lines by number instead of shifting the pairs', async () => {
    const path = join(dir, 'broken.tsv');
    await writeFile(path, 'Go.\tVa !\n\nHi. Salut !\nRun!\tCours !\n');
    const error = await caught(
      loadExamples(
        { source: { type: 'tsv', path: 'broken.tsv' }, input: 0, target: 1 },
        { baseDir: dir },
      ),
    );
    expect(error.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(error.message).toContain('lines 2, 3');
    expect(error.issues?.[0]?.message).toBe('line 2 is blank between records');
    expect(error.issues?.[1]?.path).toBe('/data/target');
  });
});

describe('generate source', () => {
  const config = {
    source: {
      type: 'generate',
      generator: 'reverseDigits',
      vocabSize: 10,
      length: 5,
      count: 3,
      seed: 1,
    },
    input: 'input',
    target: 'target',
  } as const;

  it('reverseDigits: digits 1..vocabSize-1 and their reverse, the same for the same seed', async () => {
    const a = await loadExamples(config, { baseDir: dir });
    expect(a).toHaveLength(3);
    for (const { input, target } of a) {
      expect(input).toMatch(/^[1-9]( [1-9]){4}$/);
      expect(String(target)).toBe(input.split(' ').reverse().join(' '));
    }
    expect(await loadExamples(config, { baseDir: dir })).toEqual(a);
    const other = await loadExamples(
      { ...config, source: { ...config.source, seed: 2 } },
      { baseDir: dir },
    );
    expect(other).not.toEqual(a);
  });

  it('rejects impossible settings with their paths', async () => {
    const error = await caught(
      loadExamples(
        { ...config, source: { ...config.source, vocabSize: 1, count: 0 } },
        { baseDir: dir },
      ),
    );
    expect(error.issues?.map((i) => i.path)).toEqual([
      '/data/source/vocabSize',
      '/data/source/count',
    ]);
  });
});

describe('cmudict source', () => {
  it('yields lower-cased words and ARPAbet phonemes, first pronunciation per word', async () => {
    const examples = await loadExamples(
      {
        source: { type: 'cmudict', maxWords: 40, stress: false },
        input: 'word',
        target: 'phonemes',
      },
      { baseDir: dir },
    );
    expect(examples).toHaveLength(40);
    expect(examples[0]).toEqual({ input: 'a', target: 'AH' });
    expect(examples.find((e) => e.input === 'aachen')).toEqual({
      input: 'aachen',
      target: 'AA K AH N',
    });
    expect(new Set(examples.map((e) => e.input)).size).toBe(40);
    expect(examples.every((e) => /^[a-z][a-z']*$/.test(e.input))).toBe(true);
  });
});
