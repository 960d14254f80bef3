import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededShuffle } from './seeded-shuffle.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('seededShuffle', () => {
  it('is a permutation and leaves the input unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        const before = items.slice();
        const shuffled = seededShuffle(items, seed);
        expect(items).toEqual(before);
        expect(shuffled).not.toBe(items);
        expect(shuffled.slice().sort((a, b) => a - b)).toEqual(items.slice().sort((a, b) => a - b));
      }),
    );
  });

  it('is deterministic for a seed and pinned for seed 42', () => {
    expect(seededShuffle(range(10), 42)).toEqual(seededShuffle(range(10), 42));
    expect(seededShuffle(range(10), 42)).toEqual([0, 7, 3, 5, 2, 1, 8, 9, 4, 6]); // checked against a Python mulberry32;
  });

  it('differs between seeds', () => {
    const orders = new Set(range(20).map((seed) => seededShuffle(range(20), seed).join(',')));
    expect(orders.size).toBe(20);
  });

  it('puts each item in each position about equally often', () => {
    const counts = range(4).map(() => new Array<number>(4).fill(0));
    for (let seed = 0; seed < 4000; seed++) {
      seededShuffle(range(4), seed).forEach((item, position) => (counts[item]![position]! += 1));
    }
    for (const row of counts)
      for (const count of row) expect(Math.abs(count - 1000)).toBeLessThan(100);
  });
});
