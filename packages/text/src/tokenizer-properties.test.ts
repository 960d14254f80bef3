import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tokenizer, textToWordSequence } from './index.js';

const word = fc.constantFrom(
  'the',
  'cat',
  'Sat',
  'on',
  'a',
  'MAT',
  'dog',
  '42',
  'café',
  "don't",
  'x',
);
const punctuation = fc.constantFrom(' ', ' ', ', ', '! ', '. ', '\t', '\n', ' -- ');
const text = fc
  .array(fc.tuple(word, punctuation), { maxLength: 10 })
  .map((parts) => parts.map(([w, p]) => w + p).join(''));
const corpus = fc.array(text, { minLength: 1, maxLength: 6 });
const options = fc.record({
  numWords: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  oovToken: fc.option(fc.constantFrom('<OOV>', 'x'), { nil: undefined }),
  charLevel: fc.boolean(),
});

describe('Tokenizer properties', () => {
  it('textsToSequences never yields 0, and every index is < numWords when set', () => {
    fc.assert(
      fc.property(options, corpus, corpus, (opts, fitOn, query) => {
        const tokenizer = new Tokenizer(opts);
        tokenizer.fitOnTexts(fitOn);
        const oovIndex =
          opts.oovToken === undefined ? undefined : tokenizer.wordIndex.get(opts.oovToken);
        for (const seq of tokenizer.textsToSequences(query)) {
          for (const i of seq) {
            if (i === 0) return false;
            if (!tokenizer.indexWord.has(i)) return false;
            // numWords applies at lookup; only the OOV index itself may exceed it (Keras keeps it).
            if (opts.numWords && i >= opts.numWords && i !== oovIndex) return false;
          }
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('with an OOV token every token yields exactly one index; without one, only known ones', () => {
    fc.assert(
      fc.property(options, corpus, corpus, (opts, fitOn, query) => {
        const tokenizer = new Tokenizer(opts);
        tokenizer.fitOnTexts(fitOn);
        const sequences = tokenizer.textsToSequences(query);
        return query.every((q, n) => {
          const tokens = opts.charLevel ? [...q.toLowerCase()] : textToWordSequence(q);
          const kept = tokens.filter((t) => {
            const i = tokenizer.wordIndex.get(t);
            return i !== undefined && (!opts.numWords || i < opts.numWords);
          });
          const expected = opts.oovToken === undefined ? kept.length : tokens.length;
          return (sequences[n] as number[]).length === expected;
        });
      }),
      { numRuns: 200 },
    );
  });

  it('unseen words map to the OOV index (1 when the OOV token is not also a word)', () => {
    fc.assert(
      fc.property(corpus, fc.integer({ min: 2, max: 50 }), (fitOn, numWords) => {
        const tokenizer = new Tokenizer({ numWords, oovToken: '<OOV>' });
        tokenizer.fitOnTexts(fitOn);
        expect(tokenizer.wordIndex.get('<OOV>')).toBe(1);
        expect(tokenizer.textsToSequences(['zebra quokka'])).toEqual([[1, 1]]);
      }),
      { numRuns: 50 },
    );
  });

  it('toJSON -> fromJSON gives identical sequences, matrices and JSON', () => {
    fc.assert(
      fc.property(options, corpus, corpus, (opts, fitOn, query) => {
        const tokenizer = new Tokenizer(opts);
        tokenizer.fitOnTexts(fitOn);
        const json = tokenizer.toJSON();
        const restored = Tokenizer.fromJSON(json);
        expect(restored.toJSON()).toBe(json);
        expect(restored.textsToSequences(query)).toEqual(tokenizer.textsToSequences(query));
        // A fit that found no word leaves no matrix dimension (Keras raises too): same error.
        const matrix = (t: Tokenizer): number[][] | string => {
          try {
            return t.textsToMatrix(query, 'tfidf');
          } catch (error) {
            return (error as Error).message;
          }
        };
        expect(matrix(restored)).toEqual(matrix(tokenizer));
        const sequences = tokenizer.textsToSequences(query);
        expect(restored.sequencesToTexts(sequences)).toEqual(tokenizer.sequencesToTexts(sequences));
      }),
      { numRuns: 150 },
    );
  });

  it('word index ranks by count, ties in first-seen order, OOV first', () => {
    fc.assert(
      fc.property(corpus, (fitOn) => {
        const tokenizer = new Tokenizer({ oovToken: '<OOV>' });
        tokenizer.fitOnTexts(fitOn);
        const firstSeen = [...tokenizer.wordCounts.keys()];
        const ranked = [...tokenizer.wordIndex.keys()].slice(1);
        // Indices are 1..n in order: <OOV> is 1, the ranked words follow.
        expect([...tokenizer.wordIndex.values()]).toEqual(
          [...tokenizer.wordIndex.keys()].map((_, i) => i + 1),
        );
        expect(tokenizer.wordIndex.get('<OOV>')).toBe(1);
        for (let i = 1; i < ranked.length; i++) {
          const a = tokenizer.wordCounts.get(ranked[i - 1] as string) as number;
          const b = tokenizer.wordCounts.get(ranked[i] as string) as number;
          if (a < b) return false;
          if (
            a === b &&
            firstSeen.indexOf(ranked[i - 1] as string) > firstSeen.indexOf(ranked[i] as string)
          )
            return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });
});
