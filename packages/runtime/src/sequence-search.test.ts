import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { beamSearch, greedySearch, type DecoderStep } from './sequence-search.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const START = 1;
const END = 2;

/**
 * A Markov decoder over `vocab` tokens: the next-token distribution depends on the previous
 * token only (a fixed random table). States are one dummy [rows, 1] tensor, to exercise
 * the ownership rules.
 */
function markovStep(vocab: number, seed: number): DecoderStep {
  let s = seed >>> 0;
  const random = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const table = Array.from({ length: vocab }, () => {
    const weights = Array.from({ length: vocab }, (_, j) => (j === 0 ? 0 : random() ** 3 + 1e-3));
    const total = weights.reduce((a, b) => a + b, 0);
    return Float32Array.from(weights, (w) => (w === 0 ? -Infinity : Math.log(w / total)));
  });
  return (tokens, states) => ({
    logProbs: tokens.map((t) => table[t] as Float32Array),
    states: states.map((x) => tf.add(x, 1)),
  });
}

const state = (rows: number): tf.Tensor[] => [tf.zeros([rows, 1])];

describe('greedySearch', () => {
  it('stops each row at the end token, or at maxLength', () => {
    // token 3 is followed by END; token 4 is followed by 4 forever
    const step: DecoderStep = (tokens, states) => ({
      logProbs: tokens.map((t, r) => {
        const row = new Float32Array(5).fill(Math.log(0.01));
        row[t === START ? (r === 0 ? 3 : 4) : t === 3 ? END : 4] = Math.log(0.96);
        return row;
      }),
      states: states.map((x) => tf.clone(x)),
    });
    const before = tf.memory().numTensors;
    const [a, b] = greedySearch(step, state(2), { startId: START, endId: END, maxLength: 6 });
    expect(a?.ids).toEqual([3]);
    expect(a?.finished).toBe(true);
    expect(a?.score).toBeCloseTo(2 * Math.log(0.96), 6);
    expect(b?.ids).toEqual([4, 4, 4, 4, 4, 4]);
    expect(b?.finished).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('beamSearch', () => {
  it('with width 1 is greedy search, and never scores below it (property)', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 9 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 5 }),
        (vocab, seed, maxLength, width) => {
          const step = markovStep(vocab, seed);
          const options = { startId: START, endId: END, maxLength };
          const greedy = greedySearch(step, state(1), options)[0];
          expect(beamSearch(step, state(1), { ...options, beamWidth: 1 })).toEqual(greedy);
          const beam = beamSearch(step, state(1), { ...options, beamWidth: width });
          expect(beam.score).toBeGreaterThanOrEqual((greedy?.score ?? 0) - 1e-9);
          expect(beam.ids.length).toBeLessThanOrEqual(maxLength);
        },
      ),
      { numRuns: 60 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds a better sequence than greedy when the greedy first step is a trap', () => {
    // first step: 3 (p .6) or 4 (p .4); after 3 everything is uniform-ish, after 4 END is certain
    const step: DecoderStep = (tokens, states) => ({
      logProbs: tokens.map((t) => {
        if (t === START)
          return Float32Array.from([-Infinity, -Infinity, -Infinity, Math.log(0.6), Math.log(0.4)]);
        if (t === 4) return Float32Array.from([-Infinity, -Infinity, 0, -Infinity, -Infinity]);
        return Float32Array.from([
          -Infinity,
          -Infinity,
          Math.log(1 / 3),
          Math.log(1 / 3),
          Math.log(1 / 3),
        ]);
      }),
      states: states.map((x) => tf.clone(x)),
    });
    const options = { startId: START, endId: END, maxLength: 5 };
    const greedy = greedySearch(step, state(1), options)[0];
    const beam = beamSearch(step, state(1), { ...options, beamWidth: 2 });
    expect(greedy?.ids[0]).toBe(3);
    expect(beam.ids).toEqual([4]);
    expect(beam.score).toBeCloseTo(Math.log(0.4), 6);
    expect(beam.finished).toBe(true);
  });
});
