import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed, normalRandom, uniformRandom } from './derive-seed.js';
import { reseedEachTrainingStep, seededDropoutFunc } from './seeded-dropout.js';
import { orthogonalValues, SeededOrthogonal } from './seeded-orthogonal.js';
import * as tfl from '@tensorflow/tfjs-layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('deriveSeed', () => {
  it('is deterministic, 32-bit, and separates names and roles', () => {
    expect(deriveSeed(42, 'lstm', 'kernel')).toBe(deriveSeed(42, 'lstm', 'kernel'));
    const seeds = new Set([
      deriveSeed(42, 'lstm', 'kernel'),
      deriveSeed(42, 'lstm', 'recurrent'),
      deriveSeed(42, 'gru', 'kernel'),
      deriveSeed(43, 'lstm', 'kernel'),
    ]);
    expect(seeds.size).toBe(4);
    for (const seed of seeds) expect(seed >>> 0).toBe(seed);
  });

  it('drives generators with the usual moments', () => {
    const uniform = uniformRandom(7);
    const normal = normalRandom(7);
    const n = 20000;
    let sum = 0;
    let normalSum = 0;
    let normalSquares = 0;
    for (let i = 0; i < n; i++) {
      sum += uniform();
      const z = normal();
      normalSum += z;
      normalSquares += z * z;
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(normalSum / n).toBeCloseTo(0, 1);
    expect(normalSquares / n).toBeCloseTo(1, 1);
  });
});

describe('SeededOrthogonal', () => {
  function gram(values: Float32Array, rows: number, cols: number, byRows: boolean): number[][] {
    const size = byRows ? rows : cols;
    const at = (r: number, c: number): number => values[r * cols + c] as number;
    return Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => {
        let dot = 0;
        for (let k = 0; k < (byRows ? cols : rows); k++)
          dot += byRows ? at(i, k) * at(j, k) : at(k, i) * at(k, j);
        return dot;
      }),
    );
  }

  it.each([
    [16, 4],
    [4, 16],
    [8, 8],
  ])('makes a %ix%i matrix with orthonormal rows or columns', (rows, cols) => {
    const values = orthogonalValues(rows, cols, 1, 123);
    const product = gram(values, rows, cols, rows < cols);
    product.forEach((row, i) =>
      row.forEach((value, j) => expect(value).toBeCloseTo(i === j ? 1 : 0, 5)),
    );
  });

  it('is deterministic per seed, scales by gain, and serializes as Keras Orthogonal', async () => {
    const init = new SeededOrthogonal({ seed: 5, gain: 2 });
    const a = init.apply([6, 3]);
    const b = new SeededOrthogonal({ seed: 5, gain: 2 }).apply([6, 3]);
    const c = new SeededOrthogonal({ seed: 6, gain: 2 }).apply([6, 3]);
    expect(await a.data()).toEqual(await b.data());
    expect(await a.data()).not.toEqual(await c.data());
    expect(Array.from(await a.data())).toEqual(Array.from(orthogonalValues(6, 3, 2, 5)));
    expect(init.getClassName()).toBe('Orthogonal');
    expect(init.getConfig()).toEqual({ gain: 2, seed: 5 });
    tf.dispose([a, b, c]);
  });
});

describe('seeded dropout', () => {
  it('gives a recurrent cell a new mask at every step, the same sequence on every run', async () => {
    const masks = async (): Promise<number[][]> => {
      const dropout = seededDropoutFunc(99);
      const result: number[][] = [];
      for (let step = 0; step < 3; step++) {
        const mask = tf.tidy(() => dropout(tf.ones([1, 32]), 0.5));
        result.push(Array.from(await mask.data()));
        mask.dispose();
      }
      return result;
    };
    const first = await masks();
    expect(first[0]).not.toEqual(first[1]);
    expect(await masks()).toEqual(first);
  });

  it('reseeds a Dropout layer at each training call only', async () => {
    const outputs = async (): Promise<number[][]> => {
      const layer = tfl.layers.dropout({ rate: 0.5, seed: 1 });
      reseedEachTrainingStep(layer, 1);
      const x = tf.ones([1, 32]);
      const result: number[][] = [];
      for (const training of [true, true, false]) {
        const y = layer.apply(x, { training }) as tf.Tensor;
        result.push(Array.from(await y.data()));
        y.dispose();
      }
      x.dispose();
      return result;
    };
    const first = await outputs();
    expect(first[0]).not.toEqual(first[1]);
    expect(first[2]).toEqual(new Array(32).fill(1));
    expect(await outputs()).toEqual(first);
  });
});
