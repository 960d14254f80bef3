import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededShuffle } from './seeded-shuffle.js';
import { splitExamples } from './split-examples.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('splitExamples', () => {
  it('splits 80 items 64/16 like the Keras seed (validation 0.2)', () => {
    const { train, validation, test } = splitExamples(range(80), {
      validation: 0.2,
      test: 0,
      shuffle: true,
      seed: 42,
    });
    expect([train.length, validation.length, test.length]).toEqual([64, 16, 0]);
  });

  it('shuffles before splitting: slices [train | validation | test] of the seeded order', () => {
    const items = range(10);
    const splits = splitExamples(items, { validation: 0.2, test: 0.1, shuffle: true, seed: 3 });
    const order = seededShuffle(items, 3);
    expect(splits).toEqual({
      train: order.slice(0, 7),
      validation: order.slice(7, 9),
      test: order.slice(9),
    });
    expect(splits.train).not.toEqual(range(7));
  });

  it('keeps input order without shuffle (validation is the tail, as in tfjs validationSplit)', () => {
    expect(
      splitExamples(range(10), { validation: 0.3, test: 0.2, shuffle: false, seed: 1 }),
    ).toEqual({
      train: [0, 1, 2, 3, 4],
      validation: [5, 6, 7],
      test: [8, 9],
    });
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const split = (seed: number) =>
      splitExamples(range(50), { validation: 0.2, test: 0.2, shuffle: true, seed });
    expect(split(9)).toEqual(split(9));
    expect(split(9).validation).not.toEqual(split(10).validation);
  });

  it('rounds sizes: 5 items with validation 0.1 give 1 (0.5 rounds up), 2 items with 0.2 give 0', () => {
    expect(
      splitExamples(range(5), { validation: 0.1, test: 0, shuffle: false, seed: 0 }).validation,
    ).toEqual([4]);
    expect(splitExamples(range(2), { validation: 0.2, test: 0, shuffle: false, seed: 0 })).toEqual({
      train: [0, 1],
      validation: [],
      test: [],
    });
  });

  it('throws SEQPIPE_DATA_EMPTY when train would be empty or there are no items', () => {
    expect(() =>
      splitExamples(range(2), { validation: 0.5, test: 0.4, shuffle: true, seed: 0 }),
    ).toThrow(
      expect.objectContaining({
        code: 'SEQPIPE_DATA_EMPTY',
        message: expect.stringContaining('leaving none to train on'),
      }),
    );
    expect(() => splitExamples([], { validation: 0.2, test: 0, shuffle: true, seed: 0 })).toThrow(
      expect.objectContaining({ code: 'SEQPIPE_DATA_EMPTY' }),
    );
  });

  it('throws SEQPIPE_SPEC_INVALID for fractions outside [0, 1) or summing to 1', () => {
    const bad = (validation: number, test: number) => () =>
      splitExamples(range(10), { validation, test, shuffle: true, seed: 0 });
    expect(bad(-0.1, 0)).toThrow(expect.objectContaining({ code: 'SEQPIPE_SPEC_INVALID' }));
    expect(bad(0.6, 0.4)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: '/data/split' })] }),
    );
    expect(bad(0.2, Number.NaN)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: '/data/split/test' })] }),
    );
  });

  it('partitions the items: every item exactly once, sizes as documented', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.boolean(),
        fc.integer(),
        (n, validation, test, shuffle, seed) => {
          const items = range(n);
          const expectedValidation = Math.round(n * validation);
          const expectedTest = Math.round(n * test);
          fc.pre(n - expectedValidation - expectedTest >= 1);
          const splits = splitExamples(items, { validation, test, shuffle, seed });
          expect(splits.validation).toHaveLength(expectedValidation);
          expect(splits.test).toHaveLength(expectedTest);
          expect(splits.train).toHaveLength(n - expectedValidation - expectedTest);
          const all = [...splits.train, ...splits.validation, ...splits.test];
          expect(all.slice().sort((a, b) => a - b)).toEqual(items);
        },
      ),
    );
  });
});
