import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSeqpipeError } from '@seqpipe/errors';
import { KERAS_DEFAULT_FILTERS, textToWordSequence } from './index.js';
import { kerasFixtures } from './fixtures/keras-fixtures.js';

describe('textToWordSequence', () => {
  it('uses the Keras default filters', () => {
    expect(KERAS_DEFAULT_FILTERS).toBe('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');
    expect(KERAS_DEFAULT_FILTERS).not.toContain("'");
  });

  for (const c of kerasFixtures.textToWordSequence) {
    it(`matches Keras for ${JSON.stringify(c.text)} ${JSON.stringify(c.options)}`, () => {
      expect(textToWordSequence(c.text, c.options)).toEqual(c.words);
    });
  }

  it('lowercases before filtering, filters by code point, keeps apostrophes', () => {
    expect(textToWordSequence("Don't STOP")).toEqual(["don't", 'stop']);
    // 'A' is lowered to 'a' before the filter ('A') is applied, as in Keras.
    expect(textToWordSequence('xAy', { filters: 'A', split: ' ' })).toEqual(['xay']);
    expect(textToWordSequence('a😀b', { filters: '😀' })).toEqual(['a', 'b']);
    expect(textToWordSequence('a b', { filters: '', split: '' + ' ' })).toEqual(['a', 'b']);
    expect(textToWordSequence('')).toEqual([]);
  });

  it('rejects an empty split like Python (ValueError: empty separator)', () => {
    let error: unknown;
    try {
      textToWordSequence('a b', { split: '' });
    } catch (e) {
      error = e;
    }
    expect(isSeqpipeError(error) && error.code).toBe('SEQPIPE_TEXT_INVALID');
  });

  it('never returns empty words, nor words containing a filter or the split (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const filters = new Set(KERAS_DEFAULT_FILTERS);
        return textToWordSequence(text).every(
          (word) => word !== '' && !word.includes(' ') && ![...word].some((c) => filters.has(c)),
        );
      }),
      { numRuns: 200 },
    );
  });
});
