import { describe, expect, it } from 'vitest';
import { bestEpoch } from './index.js';

describe('bestEpoch', () => {
  it('is the 1-based epoch of the lowest val loss, the earliest on ties, skipping NaN', () => {
    expect(bestEpoch({ valLoss: [0.5, 0.3, 0.4, 0.3] })).toBe(2);
    expect(bestEpoch({ valLoss: [NaN, 0.9, NaN] })).toBe(2);
    expect(bestEpoch({ loss: [0.1], valLoss: [] })).toBeUndefined();
    expect(bestEpoch({ loss: [0.1] })).toBeUndefined();
  });
});
