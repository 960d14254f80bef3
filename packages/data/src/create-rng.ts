import { SeqpipeError, describeValue } from '@seqpipe/errors';

/**
 * A deterministic pseudo-random generator (mulberry32) returning numbers in [0, 1).
 * Integer arithmetic only (`Math.imul`, 32-bit shifts), so a seed gives the same sequence on
 * every platform and engine. Seeds are taken modulo 2^32 after mixing in the high bits;
 * fractional seeds are truncated.
 *
 * @example createRng(42)() // 0.6011037519201636, always
 */
export function createRng(seed: number): () => number {
  if (!Number.isFinite(seed)) {
    throw new SeqpipeError(
      'SEQPIPE_SPEC_INVALID',
      `the seed must be a finite number, got ${describeValue(seed)}.`,
      {
        issues: [
          {
            path: '/seed',
            message: 'not a finite number',
            expected: 'an integer',
            received: describeValue(seed),
          },
        ],
      },
    );
  }
  const whole = Math.trunc(seed);
  let state = (whole >>> 0) ^ Math.imul(Math.floor(whole / 2 ** 32) >>> 0, 0x9e3779b9);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
