import { describe, expect, it } from 'vitest';
import { lengthBuckets } from './length-buckets.js';
import { alignCharacters, diffEdits } from './sequence-diff.js';
import { editDistance } from './sequence-metrics.js';

describe('alignCharacters', () => {
  it('aligns kitten → sitting as worked by hand', () => {
    const segments = alignCharacters('kitten', 'sitting');
    expect(segments).toEqual([
      { op: 'substitute', reference: 'k', prediction: 's' },
      { op: 'equal', reference: 'itt', prediction: 'itt' },
      { op: 'substitute', reference: 'e', prediction: 'i' },
      { op: 'equal', reference: 'n', prediction: 'n' },
      { op: 'insert', reference: '', prediction: 'g' },
    ]);
    expect(diffEdits(segments)).toBe(3);
  });

  it('marks deletions, insertions and merges runs', () => {
    expect(alignCharacters('12345', '1245')).toEqual([
      { op: 'equal', reference: '12', prediction: '12' },
      { op: 'delete', reference: '3', prediction: '' },
      { op: 'equal', reference: '45', prediction: '45' },
    ]);
    expect(alignCharacters('ab', 'abxy')).toEqual([
      { op: 'equal', reference: 'ab', prediction: 'ab' },
      { op: 'insert', reference: '', prediction: 'xy' },
    ]);
    expect(alignCharacters('', '')).toEqual([]);
    expect(alignCharacters('ab', '')).toEqual([{ op: 'delete', reference: 'ab', prediction: '' }]);
    expect(alignCharacters('54321', '54312')).toEqual([
      { op: 'equal', reference: '543', prediction: '543' },
      { op: 'substitute', reference: '21', prediction: '12' },
    ]);
  });

  it('keeps code points whole and its edits equal the edit distance', () => {
    expect(alignCharacters('a😀b', 'ab')).toEqual([
      { op: 'equal', reference: 'a', prediction: 'a' },
      { op: 'delete', reference: '😀', prediction: '' },
      { op: 'equal', reference: 'b', prediction: 'b' },
    ]);
    const pairs: Array<[string, string]> = [
      ['intention', 'execution'],
      ['HH AH0 L OW1', 'HH EH1 L OW0'],
      ['97531', '9753'],
      ['', 'xyz'],
    ];
    for (const [a, b] of pairs) {
      expect(diffEdits(alignCharacters(a, b))).toBe(editDistance([...a], [...b]));
    }
  });
});

describe('lengthBuckets', () => {
  const record = (source: string, edits: number, referenceTokens: number) => ({
    source,
    edits,
    referenceTokens,
    reference: '',
    prediction: '',
  });

  it('one bucket per length when few lengths, rates pooled over tokens', () => {
    const buckets = lengthBuckets([
      record('abc', 1, 3),
      record('xyz', 0, 3),
      record('abcde', 2, 5),
      record('a', 0, 1),
    ]);
    // lengths 1..5 → width 1; lengths 1, 3, 5 occupied
    expect(buckets).toEqual([
      { from: 1, to: 1, count: 1, errorRate: 0, exactMatch: 1, edits: 0, referenceTokens: 1 },
      { from: 3, to: 3, count: 2, errorRate: 1 / 6, exactMatch: 0.5, edits: 1, referenceTokens: 6 },
      { from: 5, to: 5, count: 1, errorRate: 0.4, exactMatch: 0, edits: 2, referenceTokens: 5 },
    ]);
  });

  it('equal-width buckets from the shortest source when lengths span more than maxBuckets', () => {
    // lengths 1, 2, 2, 5 with 2 buckets: width ceil(5 / 2) = 3 → 1..3 and 4..6
    const buckets = lengthBuckets(
      [record('a', 1, 2), record('ab', 0, 2), record('cd', 1, 4), record('abcde', 3, 5)],
      2,
    );
    expect(buckets.map((b) => [b.from, b.to, b.count, b.edits, b.referenceTokens])).toEqual([
      [1, 3, 3, 2, 8],
      [4, 6, 1, 3, 5],
    ]);
    expect(buckets[0]?.errorRate).toBe(0.25);
    expect(buckets[0]?.exactMatch).toBeCloseTo(1 / 3, 12);
    expect(buckets[1]?.errorRate).toBe(0.6);
    // weighted by reference tokens, bucket rates give back the split's rate (5 / 13)
    const pooled = buckets.reduce((s, b) => s + b.errorRate * b.referenceTokens, 0) / 13;
    expect(pooled).toBeCloseTo(5 / 13, 12);
    expect(lengthBuckets([])).toEqual([]);
  });
});
