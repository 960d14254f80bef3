import { describe, expect, it } from 'vitest';
import { isSeqpipeError, type SeqpipeError } from '@seqpipe/errors';
import { Tokenizer, type TokenizerOptions } from './index.js';
import { kerasFixtures, type KerasTokenizerCase } from './fixtures/keras-fixtures.js';

function optionsOf(kerasOptions: KerasTokenizerCase['options']): TokenizerOptions {
  return {
    numWords: kerasOptions.num_words,
    filters: kerasOptions.filters,
    lower: kerasOptions.lower,
    split: kerasOptions.split,
    charLevel: kerasOptions.char_level,
    oovToken: kerasOptions.oov_token,
  };
}

function fitted(c: KerasTokenizerCase): Tokenizer {
  const tokenizer = new Tokenizer(optionsOf(c.options));
  tokenizer.fitOnTexts(c.fitTexts);
  for (const more of c.extraFits) tokenizer.fitOnTexts(more);
  return tokenizer;
}

/** Sorted entries of a JSON-encoded dict string (content only, order ignored). */
function contentOf(encoded: string): Array<[string, unknown]> {
  return Object.entries(JSON.parse(encoded) as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
}

/**
 * Keras fills word_docs / index_docs by iterating a Python set (hash order), so those two are
 * compared by content; the rest of the text must match byte for byte.
 */
function expectSameKerasJson(actual: string, expected: string): void {
  type Config = Record<string, string>;
  const a = (JSON.parse(actual) as { config: Config }).config;
  const e = (JSON.parse(expected) as { config: Config }).config;
  let maskedActual = actual;
  let maskedExpected = expected;
  for (const key of ['word_docs', 'index_docs']) {
    expect(contentOf(a[key] as string), key).toEqual(contentOf(e[key] as string));
    const field = (value: string | undefined): string => `"${key}": ${JSON.stringify(value)}`;
    maskedActual = maskedActual.replace(field(a[key]), `"${key}": "<${key}>"`);
    maskedExpected = maskedExpected.replace(field(e[key]), `"${key}": "<${key}>"`);
  }
  expect(maskedActual).toContain('"word_docs": "<word_docs>", "index_docs": "<index_docs>"');
  expect(maskedActual).toBe(maskedExpected);
}

const sortedByKey = <K, V>(entries: Iterable<readonly [K, V]>): Array<readonly [K, V]> =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('Tokenizer against real Keras (keras_preprocessing 1.1.0) fixtures', () => {
  it('fixtures say where they come from', () => {
    expect(kerasFixtures.provenance['kerasPreprocessing']).toBe('1.1.0');
    expect(kerasFixtures.tokenizers.length).toBeGreaterThanOrEqual(7);
  });

  for (const c of kerasFixtures.tokenizers) {
    describe(c.name, () => {
      const tokenizer = fitted(c);

      it('builds the same vocabulary, in the same order', () => {
        expect([...tokenizer.wordIndex]).toEqual(c.wordIndex);
        expect([...tokenizer.indexWord]).toEqual(c.indexWord);
        expect([...tokenizer.wordCounts]).toEqual(c.wordCounts);
        expect(sortedByKey(tokenizer.wordDocs)).toEqual(sortedByKey(c.wordDocs));
        expect(sortedByKey(tokenizer.indexDocs)).toEqual(sortedByKey(c.indexDocs));
        expect(tokenizer.documentCount).toBe(c.documentCount);
      });

      it('textsToSequences and sequencesToTexts give the same output', () => {
        expect(tokenizer.textsToSequences(c.queryTexts)).toEqual(c.sequences);
        expect(tokenizer.sequencesToTexts(c.sequencesForTexts)).toEqual(c.texts);
      });

      it('textsToMatrix gives the same matrices in all four modes', () => {
        expect(tokenizer.textsToMatrix(c.queryTexts, 'binary')).toEqual(c.matrices.binary);
        expect(tokenizer.textsToMatrix(c.queryTexts, 'count')).toEqual(c.matrices.count);
        expect(tokenizer.textsToMatrix(c.queryTexts, 'freq')).toEqual(c.matrices.freq);
        const tfidf = tokenizer.textsToMatrix(c.queryTexts, 'tfidf');
        expect(tfidf.map((row) => row.length)).toEqual(c.matrices.tfidf.map((row) => row.length));
        tfidf.forEach((row, i) =>
          row.forEach((value, j) => {
            const expected = c.matrices.tfidf[i]?.[j] as number;
            // Math.log vs numpy's log: measured at most 1 ulp (relative 2.6e-16) apart.
            expect(Math.abs(value - expected)).toBeLessThanOrEqual(
              1e-14 * Math.max(1, Math.abs(expected)),
            );
          }),
        );
      });

      it('toJSON matches Keras to_json', () => {
        expectSameKerasJson(tokenizer.toJSON(), c.toJson);
      });

      it('fromJSON(Keras JSON).toJSON() is byte-identical and tokenizes the same', () => {
        const restored = Tokenizer.fromJSON(c.toJson);
        expect(restored.toJSON()).toBe(c.toJson);
        expect(restored.textsToSequences(c.queryTexts)).toEqual(c.sequences);
        expect(restored.sequencesToTexts(c.sequencesForTexts)).toEqual(c.texts);
        expect([...restored.wordIndex]).toEqual(c.wordIndex);
        expect(sortedByKey(restored.indexDocs)).toEqual(sortedByKey(c.indexDocs));
        expect(Tokenizer.fromJSON(JSON.parse(c.toJson) as object).toJSON()).toBe(c.toJson);
      });
    });
  }

  it('fitOnSequences and sequencesToMatrix match Keras', () => {
    const f = kerasFixtures.fitOnSequences;
    const tokenizer = new Tokenizer({ numWords: f.options.num_words });
    tokenizer.fitOnSequences(f.fitSequences);
    expect(tokenizer.documentCount).toBe(f.documentCount);
    expect(sortedByKey(tokenizer.indexDocs)).toEqual(sortedByKey(f.indexDocs));
    for (const mode of ['binary', 'count', 'freq'] as const) {
      expect(tokenizer.sequencesToMatrix(f.querySequences, mode)).toEqual(f.matrices[mode]);
    }
    const tfidf = tokenizer.sequencesToMatrix(f.querySequences, 'tfidf');
    tfidf.forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo(f.matrices.tfidf[i]?.[j] as number, 14)),
    );
    expectSameKerasJson(tokenizer.toJSON(), f.toJson);
    expect(Tokenizer.fromJSON(f.toJson).toJSON()).toBe(f.toJson);
  });
});

describe('Tokenizer: the seed pipeline usage', () => {
  const sentences = [
    'I loved this movie, it was great!',
    'This film was terrible and boring.',
    'Great acting, great story.',
    'Boring plot; I hated it.',
  ];
  const tokenizer = new Tokenizer({ numWords: 500, oovToken: '<OOV>' });
  tokenizer.fitOnTexts(sentences);

  it('puts <OOV> at index 1 and ranks words by count (ties in first-seen order)', () => {
    expect(tokenizer.wordIndex.get('<OOV>')).toBe(1);
    expect([...tokenizer.wordIndex.keys()].slice(0, 8)).toEqual([
      '<OOV>',
      'great', // 3
      'i', // 2, seen first
      'this',
      'it',
      'was',
      'boring',
      'loved', // 1, seen first
    ]);
    expect(tokenizer.wordIndex.size).toBe(16); // 15 distinct words + <OOV>
    expect(tokenizer.documentCount).toBe(4);
  });

  it('maps unseen words to the OOV index 1', () => {
    expect(tokenizer.textsToSequences(['great zebra', 'xyzzy plugh'])).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(tokenizer.textsToSequences(['it was truly great'])).toEqual([[5, 6, 1, 2]]);
    expect(tokenizer.sequencesToTexts([[2, 1, 999]])).toEqual(['great <OOV> <OOV>']);
  });

  it('round-trips through JSON', () => {
    const json = tokenizer.toJSON();
    const restored = Tokenizer.fromJSON(json);
    expect(restored.toJSON()).toBe(json);
    expect(restored.textsToSequences(sentences)).toEqual(tokenizer.textsToSequences(sentences));
    expect(restored.numWords).toBe(500);
    expect(restored.oovToken).toBe('<OOV>');
  });
});

describe('Tokenizer: numWords at lookup', () => {
  const texts = ['a a a b b c', 'c d'];

  it('drops indices >= numWords without an OOV token', () => {
    const tokenizer = new Tokenizer({ numWords: 3 });
    tokenizer.fitOnTexts(texts);
    expect([...tokenizer.wordIndex]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    expect(tokenizer.textsToSequences(['a b c d e'])).toEqual([[1, 2]]);
    expect(tokenizer.sequencesToTexts([[1, 2, 3, 4, 0]])).toEqual(['a b']);
    expect(tokenizer.textsToMatrix(['a b c d'], 'count')).toEqual([[0, 1, 1]]);
    // freq divides by the sequence length, indices >= numWords included (Keras' len(seq)).
    expect(tokenizer.sequencesToMatrix([[1, 1, 3, 4]], 'freq')).toEqual([[0, 0.5, 0]]);
    expect(tokenizer.textsToMatrix(['a a c d'], 'freq')).toEqual([[0, 1, 0]]); // c, d already dropped
  });

  it('maps indices >= numWords to the OOV index with an OOV token', () => {
    const tokenizer = new Tokenizer({ numWords: 3, oovToken: '<OOV>' });
    tokenizer.fitOnTexts(texts);
    expect(tokenizer.textsToSequences(['a b c d e'])).toEqual([[2, 1, 1, 1, 1]]);
  });

  it('treats numWords 0 as no limit, like Keras', () => {
    const tokenizer = new Tokenizer({ numWords: 0 });
    tokenizer.fitOnTexts(texts);
    expect(tokenizer.textsToSequences(['a b c d'])).toEqual([[1, 2, 3, 4]]);
    expect(tokenizer.textsToMatrix(['d'])).toEqual([[0, 0, 0, 0, 1]]);
    expect(tokenizer.toJSON()).toContain('"num_words": 0,');
  });

  it('tfidf uses (1 + ln tf) * ln(1 + docs / (1 + df))', () => {
    const tokenizer = new Tokenizer();
    tokenizer.fitOnTexts(texts);
    const [row] = tokenizer.textsToMatrix(['a a c'], 'tfidf');
    expect(row?.[1]).toBeCloseTo((1 + Math.log(2)) * Math.log(1 + 2 / 2), 15);
    expect(row?.[3]).toBeCloseTo(1 * Math.log(1 + 2 / 3), 15);
    expect(row?.[0]).toBe(0);
  });
});

describe('Tokenizer: errors', () => {
  const codeOf = (run: () => unknown): string | undefined => {
    try {
      run();
    } catch (error) {
      return isSeqpipeError(error) ? error.code : 'not a SeqpipeError';
    }
    return undefined;
  };
  const errorOf = (run: () => unknown): SeqpipeError => {
    try {
      run();
    } catch (error) {
      if (isSeqpipeError(error)) return error;
      throw error;
    }
    throw new Error('did not throw');
  };

  it('rejects bad options, naming them', () => {
    const error = errorOf(() => new Tokenizer({ numWords: -1, split: '' }));
    expect(error.code).toBe('SEQPIPE_TEXT_INVALID');
    expect(error.message).toContain('option "numWords" must be an integer >= 0, received -1');
    expect(error.issues.map((i) => i.path)).toEqual(['/numWords']);
    expect(errorOf(() => new Tokenizer({ split: '' })).message).toContain(
      'Option "split" must be a non-empty string',
    );
    expect(new Tokenizer({ split: '', charLevel: true }).split).toBe('');
  });

  it('rejects texts that are not strings or token arrays, and leaves the tokenizer untouched', () => {
    const tokenizer = new Tokenizer();
    const error = errorOf(() => tokenizer.fitOnTexts(['ok', 42 as unknown as string]));
    expect(error.code).toBe('SEQPIPE_TEXT_INVALID');
    expect(error.message).toContain(
      'text 1 must be a string or an array of token strings, received 42',
    );
    expect(tokenizer.documentCount).toBe(0);
    expect(tokenizer.wordCounts.size).toBe(0);
  });

  it('needs a dimension and data for matrices, and a known mode', () => {
    expect(codeOf(() => new Tokenizer().sequencesToMatrix([[1]]))).toBe('SEQPIPE_TEXT_INVALID');
    expect(codeOf(() => new Tokenizer({ numWords: 3 }).sequencesToMatrix([[1]], 'tfidf'))).toBe(
      'SEQPIPE_TEXT_INVALID',
    );
    expect(new Tokenizer({ numWords: 3 }).sequencesToMatrix([[1, 5], []], 'binary')).toEqual([
      [0, 1, 0],
      [0, 0, 0],
    ]);
    const tokenizer = new Tokenizer({ numWords: 3 });
    expect(errorOf(() => tokenizer.sequencesToMatrix([[1]], 'tf' as 'tfidf')).message).toContain(
      'Unknown matrix mode "tf"',
    );
    expect(errorOf(() => tokenizer.sequencesToMatrix([[1, -2]])).message).toContain(
      'sequence 0 must be an array of integer indices >= 0',
    );
  });

  it('refuses to emit a missing OOV index before fitting (Keras would emit None)', () => {
    const tokenizer = new Tokenizer({ oovToken: '<OOV>' });
    expect(errorOf(() => tokenizer.textsToSequences(['a'])).message).toContain(
      'call fitOnTexts first',
    );
    expect(new Tokenizer().textsToSequences(['a b'])).toEqual([[]]);
  });

  it('fromJSON names the bad key', () => {
    const good = new Tokenizer({ oovToken: '<OOV>' });
    good.fitOnTexts(['x y y']);
    const config = JSON.parse(good.toJSON()).config as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>, drop?: string): SeqpipeError => {
      const next: Record<string, unknown> = { ...config, ...patch };
      if (drop !== undefined) delete next[drop];
      return errorOf(() => Tokenizer.fromJSON({ class_name: 'Tokenizer', config: next }));
    };
    const paths = (error: SeqpipeError): string[] => error.issues.map((i) => i.path);

    expect(bad({}, 'word_index').code).toBe('SEQPIPE_TOKENIZER_JSON');
    expect(paths(bad({}, 'word_index'))).toEqual(['/config/word_index']);
    expect(bad({}, 'word_index').message).toContain('/config/word_index: missing "word_index"');
    expect(paths(bad({ word_index: { y: 2 } }))).toEqual(['/config/word_index']);
    expect(bad({ word_index: { y: 2 } }).message).toContain('must be a JSON-encoded string');
    expect(paths(bad({ word_counts: '{"x": 1, "y": "two"}' }))).toEqual(['/config/word_counts/y']);
    expect(paths(bad({ index_word: '{"one": "x"}' }))).toEqual(['/config/index_word/one']);
    expect(paths(bad({ word_docs: '{"x": 1' }))).toEqual(['/config/word_docs']);
    expect(paths(bad({ num_words: 'many', lower: 'yes' }))).toEqual([
      '/config/num_words',
      '/config/lower',
    ]);
    expect(paths(bad({ nb_words: 3 }))).toEqual(['/config/nb_words']);
    expect(paths(bad({ split: '' }))).toEqual(['/config/split']);
    expect(paths(errorOf(() => Tokenizer.fromJSON({ class_name: 'Other', config })))).toEqual([
      '/class_name',
    ]);
    expect(paths(errorOf(() => Tokenizer.fromJSON({ class_name: 'Tokenizer' })))).toEqual([
      '/config',
    ]);
    expect(errorOf(() => Tokenizer.fromJSON('{"class_name": ')).code).toBe(
      'SEQPIPE_TOKENIZER_JSON',
    );
    expect(paths(errorOf(() => Tokenizer.fromJSON('[]')))).toEqual(['']);
  });
});

describe('Tokenizer: Keras details', () => {
  it('keeps the Python dict quirk when the OOV token is also a word', () => {
    const tokenizer = new Tokenizer({ oovToken: 'unk' });
    tokenizer.fitOnTexts(['unk b b']);
    // sorted vocabulary ['unk', 'b', 'unk'] -> dict keeps the first position, takes the last index.
    expect([...tokenizer.wordIndex]).toEqual([
      ['unk', 3],
      ['b', 2],
    ]);
    expect(tokenizer.textsToSequences(['zzz b'])).toEqual([[3, 2]]);
  });

  it('charLevel tokenizes code points and ignores filters', () => {
    const tokenizer = new Tokenizer({ charLevel: true });
    tokenizer.fitOnTexts(['a😀!a']);
    expect([...tokenizer.wordIndex]).toEqual([
      ['a', 1],
      ['😀', 2],
      ['!', 3],
    ]);
  });

  it('accepts pre-tokenized texts and lowercases their tokens', () => {
    const tokenizer = new Tokenizer();
    tokenizer.fitOnTexts([['Hello, world', 'x']]);
    expect([...tokenizer.wordIndex.keys()]).toEqual(['hello, world', 'x']);
  });

  it('writes Python json.dumps escapes (ensure_ascii) inside the JSON strings', () => {
    const tokenizer = new Tokenizer({ filters: '', split: '|' });
    tokenizer.fitOnTexts(['café|"q"|back\\slash|tab\there|😀|\u007f']);
    const json = tokenizer.toJSON();
    expect(json).toContain('"filters": "", "lower": true, "split": "|"');
    expect(json).toContain(
      String.raw`"word_counts": "{\"caf\\u00e9\": 1, \"\\\"q\\\"\": 1, \"back\\\\slash\": 1, \"tab\\there\": 1, \"\\ud83d\\ude00\": 1, \"\\u007f\": 1}"`,
    );
    expect(Tokenizer.fromJSON(json).toJSON()).toBe(json);
  });

  it('keeps integer-like words in first-seen order through fromJSON (JSON.parse would not)', () => {
    const tokenizer = new Tokenizer();
    tokenizer.fitOnTexts(['zeta 42 7 alpha 42']);
    const json = tokenizer.toJSON();
    expect(json).toContain(
      String.raw`"word_counts": "{\"zeta\": 1, \"42\": 2, \"7\": 1, \"alpha\": 1}"`,
    );
    const restored = Tokenizer.fromJSON(json);
    expect([...restored.wordCounts.keys()]).toEqual(['zeta', '42', '7', 'alpha']);
    expect(restored.toJSON()).toBe(json);
  });

  it('continues fitting after fromJSON (Keras raises KeyError there)', () => {
    const tokenizer = new Tokenizer();
    tokenizer.fitOnTexts(['a b']);
    const restored = Tokenizer.fromJSON(tokenizer.toJSON());
    restored.fitOnTexts(['b c']);
    tokenizer.fitOnTexts(['b c']);
    expect(restored.toJSON()).toBe(tokenizer.toJSON());
    expect([...restored.wordIndex]).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 3],
    ]);
  });
});
