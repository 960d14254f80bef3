import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { END_ID, PAD_ID, START_ID, UNKNOWN_ID, Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('reserves 0 padding, 1 start, 2 end, 3 unknown, then sorted tokens', () => {
    const v = Vocabulary.fit(['ba', 'ca'], { type: 'chars' });
    expect(v.tokens).toEqual(['<pad>', '<start>', '<end>', '<unk>', 'a', 'b', 'c']);
    expect(v.encode('abz', { start: true, end: true })).toEqual([
      START_ID,
      4,
      5,
      UNKNOWN_ID,
      END_ID,
    ]);
    expect(v.decode([START_ID, 6, 4, END_ID, 5, PAD_ID])).toBe('ca');
    expect(v.start).toBe('\t');
    expect(v.end).toBe('\n');
  });

  it('splits words on whitespace, lowercases when asked, and round-trips through JSON', () => {
    const v = Vocabulary.fit(['Go  now', 'go'], { type: 'words', lower: true });
    expect(v.tokens.slice(4)).toEqual(['go', 'now']);
    expect(v.decode(v.encode('now GO'))).toBe('now go');
    const back = Vocabulary.fromJSON(JSON.stringify(v));
    expect(back.toJSON()).toEqual(v.toJSON());
    expect(() =>
      Vocabulary.fromJSON({ type: 'chars', lower: false, start: 'a', end: 'b', tokens: [] }),
    ).toThrow(/not a seqpipe vocabulary/);
  });

  it('property: decode(encode(text)) gives the text back for fitted texts; ids stay in range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        (texts) => {
          const v = Vocabulary.fit(texts, { type: 'chars', start: '\u0001', end: '\u0002' });
          for (const text of texts) {
            const ids = v.encode(text, { start: true, end: true });
            expect(ids.every((id) => id > PAD_ID && id < v.size)).toBe(true);
            expect(v.decode(ids)).toBe(text);
          }
        },
      ),
    );
  });
});
