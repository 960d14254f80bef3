import { describe, expect, it } from 'vitest';
import { corpusBleu, editDistance, sequenceMetrics } from './sequence-metrics.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
    expect(editDistance([], ['a', 'b'])).toBe(2);
    expect(editDistance(['a'], ['a'])).toBe(0);
  });
});

describe('corpusBleu', () => {
  it('is 1 for identical corpora and 0 without a 4-gram match', () => {
    const ref = [['the', 'cat', 'is', 'on', 'the', 'mat']];
    expect(corpusBleu(ref, ref)).toBeCloseTo(1, 10);
    expect(corpusBleu(ref, [['the', 'cat']])).toBe(0);
  });

  it('matches the textbook value with brevity penalty', () => {
    // hypothesis of 5 words against 6: p1 = 5/5, p2 = 4/4, p3 = 3/3, p4 = 2/2, BP = exp(1 - 6/5)
    const bleu = corpusBleu(
      [['the', 'cat', 'is', 'on', 'the', 'mat']],
      [['the', 'cat', 'is', 'on', 'the']],
    );
    expect(bleu).toBeCloseTo(Math.exp(1 - 6 / 5), 10);
  });
});

describe('sequenceMetrics', () => {
  it('gives exact match, token accuracy, error rates and BLEU', () => {
    const m = sequenceMetrics({
      references: [
        ['K', 'AE', 'T'],
        ['D', 'AO', 'G'],
      ],
      predictions: [
        ['K', 'AE', 'T'],
        ['D', 'AA', 'G', 'Z'],
      ],
      referenceTexts: ['K AE T', 'D AO G'],
      predictionTexts: ['K AE T', 'D AA G Z'],
    });
    expect(m.count).toBe(2);
    expect(m.exactMatch).toBe(0.5);
    expect(m.sequenceErrorRate).toBe(0.5);
    expect(m.tokenAccuracy).toBeCloseTo(5 / 6, 10);
    expect(m.tokenErrorRate).toBeCloseTo(2 / 6, 10);
    expect(m.wordErrorRate).toBeCloseTo(2 / 6, 10);
  });
});
