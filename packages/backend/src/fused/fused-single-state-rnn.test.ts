import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import {
  expectMaskedStepsCarryOver,
  caseInput,
  maxAbsDiff,
  MASKED_PARITY_CASES,
  PARITY_CASES,
  paddingMask,
  values,
  type FusedCase,
} from '../test-support/fused-cases.js';
import { fusedRnnModule } from './fused-rnn-module.js';
import { fusedGru, fusedSimpleRnn } from './fused-single-state-rnn.js';

type Cell = 'simpleRnn' | 'gru';
const GATES: Record<Cell, number> = { simpleRnn: 1, gru: 3 };
const FUSED = { simpleRnn: fusedSimpleRnn, gru: fusedGru };

interface Case extends FusedCase {
  cell: Cell;
}

/** Output and gradients (x, kernel, recurrent kernel, bias, h0) of loss = sum([out, h] · r). */
function run(c: Case, fused: boolean): number[][] {
  const { B, T, E, H } = c;
  const G = GATES[c.cell] * H;
  const config = { units: H, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
  const layer =
    c.cell === 'gru'
      ? tfl.layers.gru({ ...config, recurrentActivation: 'sigmoid', returnState: true })
      : tfl.layers.simpleRNN({ ...config, returnState: true });
  const result = tf.tidy(() => {
    const x = tf.tensor3d(caseInput(c, 1), [B, T, E]);
    const k = tf.tensor2d(values(E * G, 2, 0.5), [E, G]);
    const u = tf.tensor2d(values(H * G, 3, 0.5), [H, G]);
    const b = tf.tensor1d(values(G, 4, 0.5));
    const h0 = tf.tensor2d(values(B * H, 5), [B, H]);
    const outLen = c.returnSequences ? B * T * H : B * H;
    const r = tf.tensor(values(outLen + B * H, 7));
    const mask = c.mask === undefined ? null : paddingMask(B, T, c.mask);
    const forward = (...a: tf.Tensor[]): tf.Tensor[] => {
      const [xx, kk, uu, bb, hh] = a as [
        tf.Tensor3D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor1D,
        tf.Tensor2D,
      ];
      if (fused) {
        const o = FUSED[c.cell](xx, kk, uu, bb, c.initialState ? hh : null, { ...c, mask });
        return [o.output, o.h];
      }
      const cell = (layer as unknown as { cell: Record<string, { read(): tf.Tensor }> }).cell;
      // Read the differentiated inputs instead of the layer's variables.
      cell['kernel']!.read = () => kk;
      cell['recurrentKernel']!.read = () => uu;
      cell['bias']!.read = () => bb;
      const kwargs = {
        ...(c.initialState ? { initialState: [hh] } : {}),
        ...(mask === null ? {} : { mask }),
      };
      return layer.apply(xx, kwargs) as tf.Tensor[];
    };
    const loss = (...a: tf.Tensor[]): tf.Scalar => {
      const flat = tf.concat(forward(...a).map((t) => tf.reshape(t, [-1])));
      return tf.sum(tf.mul(flat, r));
    };
    if (!fused) layer.apply(x); // builds the weights
    const inputs = [x, k, u, b, h0];
    const outs = forward(...inputs).map((t) => Array.from(t.dataSync()));
    const wrt = c.initialState ? inputs : inputs.slice(0, 4);
    const grads = tf
      .grads((...a: tf.Tensor[]) => loss(...a, ...inputs.slice(a.length)))(wrt)
      .map((t) => Array.from(t.dataSync()));
    return [...outs, ...grads];
  });
  if (!fused) layer.dispose();
  return result;
}

const CASES: Case[] = (['simpleRnn', 'gru'] as const).flatMap((cell) =>
  [...PARITY_CASES, ...MASKED_PARITY_CASES].map((s) => ({ cell, ...s })),
);

describe('fusedSimpleRnn and fusedGru (WASM SIMD whole-sequence kernels)', () => {
  beforeAll(async () => {
    await initBackend({ type: 'cpu' });
  });

  it.each(CASES)('match tfjs-layers on outputs, state and gradients: %o', (c) => {
    const before = tf.memory().numTensors;
    const live = fusedRnnModule().liveBytes();
    const ref = run(c, false);
    const got = run(c, true);
    const names = ['output', 'h', 'dx', 'dkernel', 'drecurrent', 'dbias', 'dh0'];
    expect(got).toHaveLength(ref.length);
    for (let i = 0; i < ref.length; i++) {
      expect(maxAbsDiff(got[i]!, ref[i]!), names[i]).toBeLessThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(fusedRnnModule().liveBytes()).toBe(live);
  });

  it.each(['simpleRnn', 'gru'] as const)('%s: a masked step carries the state over', (cell) => {
    const B = 5,
      T = 6,
      E = 3,
      H = 5,
      G = GATES[cell] * H;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const mask = paddingMask(B, T, 'int32');
      const h0 = tf.tensor2d(values(B * H, 5), [B, H]);
      const o = FUSED[cell](
        tf.tensor3d(values(B * T * E, 1), [B, T, E]),
        tf.tensor2d(values(E * G, 2, 0.5), [E, G]),
        tf.tensor2d(values(H * G, 3, 0.5), [H, G]),
        tf.tensor1d(values(G, 4, 0.5)),
        h0,
        { returnSequences: true, mask },
      );
      expectMaskedStepsCarryOver(o.output, o.h, mask, h0);
      const start = h0.arraySync();
      expect(o.h.arraySync()[3]).toEqual(start[3]); // the row with no step at all
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    ['simpleRnn', false],
    ['gru', false],
    ['simpleRnn', true],
    ['gru', true],
  ] as const)('%s agrees with central finite differences (masked: %s)', (cell, masked) => {
    const B = masked ? 5 : 2,
      T = 4,
      E = 3,
      H = 4,
      G = GATES[cell] * H;
    const before = tf.memory().numTensors;
    const mask = masked ? paddingMask(B, T, 'float32') : null;
    const x = tf.tensor3d(values(B * T * E, 11), [B, T, E]);
    const k = tf.tensor2d(values(E * G, 12, 0.5), [E, G]);
    const u = tf.tensor2d(values(H * G, 13, 0.5), [H, G]);
    const b = tf.tensor1d(values(G, 14, 0.5));
    const h0 = tf.tensor2d(values(B * H, 16), [B, H]);
    const r = tf.tensor3d(values(B * T * H, 15), [B, T, H]);
    const loss = (...a: tf.Tensor[]): tf.Scalar =>
      tf.tidy(() => {
        const [xx, kk, uu, bb, hh] = a as [
          tf.Tensor3D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D,
        ];
        const o = FUSED[cell](xx, kk, uu, bb, hh, { returnSequences: true, mask });
        return tf.sum(tf.mul(o.output, r));
      });
    const inputs = [x, k, u, b, h0];
    const grads = tf.tidy(() =>
      tf
        .grads(loss)(inputs)
        .map((g) => g.dataSync()),
    );
    const eps = 1e-2;
    let worst = 0;
    inputs.forEach((input, which) => {
      const base = input.dataSync();
      for (let i = 0; i < base.length; i += 3) {
        const at = (delta: number): number => {
          const v = Float32Array.from(base);
          v[i] = v[i]! + delta;
          const args = inputs.map((t, j) => (j === which ? tf.tensor(v, t.shape) : t));
          const value = tf.tidy(() => loss(...args).dataSync()[0]!);
          tf.dispose(args[which]!);
          return value;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        const analytic = grads[which]![i]!;
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1, Math.abs(numeric)));
      }
    });
    expect(worst).toBeLessThan(2e-3);
    tf.dispose([x, k, u, b, h0, r, ...(mask === null ? [] : [mask])]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
