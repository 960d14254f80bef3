import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, levenshtein } from './did-you-mean.js';

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('lstn', 'lstm')).toBe(1);
    expect(levenshtein('epoch', 'epochs')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('is a metric (identity, symmetry, triangle inequality)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        fc.string({ maxLength: 8 }),
        (a, b, c) => {
          expect(levenshtein(a, a)).toBe(0);
          expect(levenshtein(a, b)).toBe(levenshtein(b, a));
          expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('closestMatch / didYouMean', () => {
  const layers = ['embedding', 'simpleRnn', 'lstm', 'gru', 'bidirectional', 'dropout', 'dense'];
  it('suggests typos, case and snake_case variants, and clear abbreviations', () => {
    expect(didYouMean('lstn', layers)).toBe('did you mean "lstm"?');
    expect(closestMatch('simple_rnn', layers)).toBe('simpleRnn');
    expect(closestMatch('SimpleRNN', layers)).toBe('simpleRnn');
    expect(closestMatch('batch_size', ['epochs', 'batchSize'])).toBe('batchSize');
    expect(closestMatch('binary', ['binaryClassification', 'multiclassClassification'])).toBe(
      'binaryClassification',
    );
  });

  it('stays quiet when nothing is close', () => {
    expect(didYouMean('transformer', layers)).toBeUndefined();
    expect(closestMatch('xyz', ['adam', 'sgd'])).toBeUndefined();
  });
});
