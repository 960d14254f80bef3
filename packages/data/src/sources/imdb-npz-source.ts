import { readFile } from 'node:fs/promises';
import { describeValue } from '@seqpipe/errors';
import type { DataSourceConfigOf, LoadOptions } from '../data-config.js';
import type { DataSource } from '../data-source.js';
import { dataMalformed, imdbDataMissing } from '../imdb-help.js';
import { readNpy } from '../npz/read-npy.js';
import { readZip } from '../npz/read-zip.js';
import { pickExample } from '../pick-example.js';
import { resolveDataPath } from '../read-lines.js';

type Config = DataSourceConfigOf<'imdbNpz'>;

/**
 * Keras' `imdb.npz`: a zip of `.npy` arrays, `x_train`/`x_test` object arrays of word-id lists
 * and `y_train`/`y_test` 0/1 labels, plus `imdb_word_index.json` (`{"the": 1, ...}`, ranks from 1).
 * Each review's ids are decoded to words (joined by spaces), so the pipeline's tokenizer and
 * `numWords` apply as for any text. Records `{ text, label }`, tagged with their split.
 */
export const imdbNpzSource: DataSource<Config> = {
  async *read(config, fields, options) {
    const words = await readWordIndex(config, options);
    const absolute = resolveDataPath(config.path, options);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(absolute);
    } catch (error) {
      throw imdbDataMissing(
        'imdbNpz',
        '/data/source/path',
        config.path,
        absolute,
        'imdb.npz was not found',
        options,
        error,
      );
    }
    let arrays: Map<string, readonly unknown[]>;
    try {
      arrays = new Map(
        readZip(bytes)
          .filter((e) => e.name.endsWith('.npy'))
          .map((e) => [e.name.slice(0, -4), readNpy(e.data).values]),
      );
    } catch (error) {
      throw dataMalformed(
        '/data/source/path',
        absolute,
        `is not a readable .npz archive (${(error as Error).message})`,
        'a numpy .npz archive with x_train, y_train, x_test, y_test (Keras imdb.npz)',
        options,
      );
    }
    const indexFrom = config.indexFrom ?? 0;
    const startChar = config.startChar ?? 1;
    const oovChar = config.oovChar ?? 2;
    for (const split of config.splits ?? ['train', 'test']) {
      const xs = arrays.get(`x_${split}`);
      const ys = arrays.get(`y_${split}`);
      if (xs === undefined || ys === undefined || xs.length !== ys.length) {
        throw dataMalformed(
          '/data/source/path',
          absolute,
          xs === undefined || ys === undefined
            ? `has no x_${split} and y_${split} arrays (it has ${[...arrays.keys()].join(', ') || 'none'})`
            : `has ${xs.length} x_${split} sequences but ${ys.length} y_${split} labels`,
          'x_train, y_train, x_test, y_test of equal lengths (Keras imdb.npz)',
          options,
        );
      }
      for (const [i, ids] of xs.entries()) {
        const label = `${split} review ${i}`;
        const decoded = decode(ids, words, {
          indexFrom,
          startChar,
          oovChar,
          oovWord: config.oovWord,
        });
        if (typeof decoded !== 'string') {
          yield {
            kind: 'issue',
            issue: {
              path: '/data/source/path',
              message: `x_${split}[${i}] ${decoded.problem}`,
              expected: 'a list of word ids found in the word index',
              received: decoded.received,
              hint: 'check /data/source/indexFrom (0 for Keras imdb.npz) and /data/source/wordIndex',
            },
          };
          continue;
        }
        for (const item of pickExample(
          { kind: 'object', value: { text: decoded, label: ys[i] } },
          fields,
          { label },
        )) {
          yield item.kind === 'example'
            ? { kind: 'example', example: { ...item.example, split } }
            : item;
        }
      }
    }
  },
  describe(config, options) {
    return `imdb.npz file ${resolveDataPath(config.path, options)}`;
  },
};

interface DecodeOptions {
  indexFrom: number;
  startChar: number;
  oovChar: number;
  oovWord: string | undefined;
}

function decode(
  ids: unknown,
  words: ReadonlyMap<number, string>,
  o: DecodeOptions,
): string | { problem: string; received: string } {
  if (!Array.isArray(ids))
    return { problem: 'is not a list of word ids', received: describeValue(ids) };
  const out: string[] = [];
  for (const id of ids as unknown[]) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      return { problem: 'holds a value that is not a word id', received: describeValue(id) };
    if (id === 0) continue; // padding
    if (o.indexFrom > 0 && id <= o.indexFrom) {
      if (id === o.oovChar && o.oovWord !== undefined) out.push(o.oovWord);
      continue; // start mark, OOV, reserved (ranks start at 1: the first word id is indexFrom + 1)
    }
    const word = words.get(id - o.indexFrom);
    if (word === undefined)
      return {
        problem: `has word id ${id} (rank ${id - o.indexFrom}) missing from the word index`,
        received: String(id),
      };
    out.push(word);
  }
  return out.join(' ');
}

async function readWordIndex(config: Config, options: LoadOptions): Promise<Map<number, string>> {
  const absolute = resolveDataPath(config.wordIndex, options);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw imdbDataMissing(
      'imdbNpz',
      '/data/source/wordIndex',
      config.wordIndex,
      absolute,
      'imdb_word_index.json was not found',
      options,
      error,
    );
  }
  const expected = 'a JSON object of words to ranks, e.g. {"the": 1, "and": 2}';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw dataMalformed(
      '/data/source/wordIndex',
      absolute,
      `is not valid JSON (${(error as Error).message})`,
      expected,
      options,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw dataMalformed(
      '/data/source/wordIndex',
      absolute,
      'is not a JSON object',
      expected,
      options,
    );
  const words = new Map<number, string>();
  for (const [word, rank] of Object.entries(value)) {
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1)
      throw dataMalformed(
        '/data/source/wordIndex',
        absolute,
        `maps ${describeValue(word)} to ${describeValue(rank)}, not a rank ≥ 1`,
        expected,
        options,
      );
    words.set(rank, word);
  }
  return words;
}
