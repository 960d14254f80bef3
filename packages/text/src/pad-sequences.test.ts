import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSeqpipeError, type SeqpipeError } from '@seqpipe/errors';
import { padSequences, type PadSequencesOptions } from './index.js';
import { kerasFixtures } from './fixtures/keras-fixtures.js';

function errorOf(run: () => unknown): SeqpipeError {
  try {
    run();
  } catch (error) {
    if (isSeqpipeError(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('padSequences against real Keras pad_sequences fixtures', () => {
  for (const c of kerasFixtures.padSequences) {
    it(`${JSON.stringify(c.options)} on ${JSON.stringify(c.sequences)}`, () => {
      const { maxlen, ...rest } = c.options;
      const options: PadSequencesOptions = {
        ...rest,
        ...(maxlen === undefined ? {} : { maxLen: maxlen }),
      };
      expect(padSequences(c.sequences, options)).toEqual(c.output);
    });
  }
});

describe('padSequences', () => {
  const ragged = [[1], [2, 3], [4, 5, 6, 7]];

  it('pads and truncates at the start by default (Keras)', () => {
    expect(padSequences(ragged, { maxLen: 3 })).toEqual([
      [0, 0, 1],
      [0, 2, 3],
      [5, 6, 7],
    ]);
    expect(padSequences(ragged)).toEqual([
      [0, 0, 0, 1],
      [0, 0, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('supports post padding and truncating (the seed pipeline)', () => {
    expect(padSequences(ragged, { maxLen: 3, padding: 'post', truncating: 'post' })).toEqual([
      [1, 0, 0],
      [2, 3, 0],
      [4, 5, 6],
    ]);
  });

  it('handles empty inputs', () => {
    expect(padSequences([])).toEqual([]);
    expect(padSequences([], { maxLen: 4 })).toEqual([]);
    expect(padSequences([[], []])).toEqual([[], []]);
    expect(padSequences([[1, 2]], { maxLen: 0 })).toEqual([[]]);
  });

  it('casts like numpy: int32 truncates toward zero without -0, float32 rounds', () => {
    const [row] = padSequences([[-0.5, 1.9]], { maxLen: 3, value: -0.2 });
    expect(row).toEqual([0, 0, 1]);
    expect(row?.every((x) => !Object.is(x, -0))).toBe(true);
    expect(padSequences([[0.1]], { maxLen: 1, dtype: 'float32' })).toEqual([[Math.fround(0.1)]]);
    expect(padSequences([[0.1]], { maxLen: 2, dtype: 'float64', value: Number.NaN })).toEqual([
      [Number.NaN, 0.1],
    ]);
  });

  it('names each bad option and the value received', () => {
    const error = errorOf(() =>
      padSequences(ragged, {
        maxLen: -1,
        padding: 'middle' as 'pre',
        truncating: 'end' as 'post',
        dtype: 'int8' as 'int32',
      }),
    );
    expect(error.code).toBe('SEQPIPE_TEXT_INVALID');
    expect(error.issues.map((i) => i.path)).toEqual([
      '/maxLen',
      '/padding',
      '/truncating',
      '/dtype',
    ]);
    expect(error.message).toContain(
      '/maxLen: option "maxLen" must be an integer >= 0; received -1',
    );
    expect(error.message).toContain(
      '/padding: option "padding" is not understood; expected "pre" or "post"; received "middle"',
    );
    expect(error.message).toContain('received "end"');
    expect(errorOf(() => padSequences(ragged, { maxLen: 2.5 })).message).toContain('received 2.5');
    expect(errorOf(() => padSequences([[1], 'ab' as unknown as number[]])).issues[0]?.path).toBe(
      '/sequences/1',
    );
    expect(errorOf(() => padSequences([[1, Number.NaN]])).issues[0]?.path).toBe('/sequences/0/1');
    expect(errorOf(() => padSequences([[1]], { value: 2 ** 40 })).issues[0]?.path).toBe('/value');
  });
});

describe('padSequences properties', () => {
  const sequences = fc.array(fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 12 }), {
    maxLength: 8,
  });
  const side = fc.constantFrom('pre' as const, 'post' as const);

  it('every row has length maxLen (or the longest input) and keeps values in order', () => {
    fc.assert(
      fc.property(
        sequences,
        fc.option(fc.nat({ max: 15 }), { nil: undefined }),
        side,
        side,
        (seqs, maxLen, padding, truncating) => {
          const out = padSequences(seqs, { maxLen, padding, truncating });
          const length = maxLen ?? Math.max(0, ...seqs.map((s) => s.length));
          expect(out.length).toBe(seqs.length);
          out.forEach((row, i) => {
            const seq = seqs[i] as number[];
            expect(row.length).toBe(length);
            const kept =
              seq.length <= length
                ? seq
                : truncating === 'pre'
                  ? seq.slice(seq.length - length)
                  : seq.slice(0, length);
            const pad = length - kept.length;
            // Values are never 0 here, so the non-zero part is exactly the kept values, in order,
            // and the padding sits on the requested side.
            expect(row.filter((x) => x !== 0)).toEqual(kept);
            expect(padding === 'pre' ? row.slice(0, pad) : row.slice(length - pad)).toEqual(
              new Array(pad).fill(0),
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
