import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import { binaryPredictions } from './index.js';

describe('binaryPredictions', () => {
  it('predicts 1 only above the threshold, like Keras binaryAccuracy', () => {
    expect(binaryPredictions([0, 0.2, 0.5, 0.5001, 1])).toEqual([0, 0, 0, 1, 1]);
    expect(binaryPredictions([0.2, 0.3, 0.9], 0.25)).toEqual([0, 1, 1]);
    expect(binaryPredictions([])).toEqual([]);
  });

  it('rejects NaN scores and a non-finite threshold', () => {
    expect(() => binaryPredictions([0.1, NaN])).toThrow(SeqpipeError);
    expect(() => binaryPredictions([0.1, NaN])).toThrow(
      /\/scores\/1: score is not a number; received NaN/,
    );
    expect(() => binaryPredictions([0.1], NaN)).toThrow(/\/threshold/);
  });
});
