import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { fusedLstm } from './fused-lstm.js';
import { fusedRnnModule } from './fused-rnn-module.js';
import { FUSED_RNN_WASM_SHA256 } from './fused-rnn-wasm.js';
import { HEAP_KERNELS_WASM_SHA256 } from '../kernels/heap-kernels-wasm.js';

type Case = FusedCase;

/** Output and gradients (x, kernel, recurrent kernel, bias, h0, c0) of loss = sum(out · r). */
function run(c: Case, fused: boolean): number[][] {
  const { B, T, E, H } = c;
  const layer = tfl.layers.lstm({
    units: H,
    recurrentActivation: 'sigmoid',
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    returnState: true,
  });
  const result = tf.tidy(() => {
    const x = tf.tensor3d(caseInput(c, 1), [B, T, E]);
    const k = tf.tensor2d(values(E * 4 * H, 2, 0.5), [E, 4 * H]);
    const u = tf.tensor2d(values(H * 4 * H, 3, 0.5), [H, 4 * H]);
    const b = tf.tensor1d(values(4 * H, 4, 0.5));
    const h0 = tf.tensor2d(values(B * H, 5), [B, H]);
    const c0 = tf.tensor2d(values(B * H, 6), [B, H]);
    const outLen = c.returnSequences ? B * T * H : B * H;
    const r = tf.tensor(values(outLen + 2 * B * H, 7));
    const mask = c.mask === undefined ? null : paddingMask(B, T, c.mask);
    const forward = (...a: tf.Tensor[]): tf.Tensor[] => {
      const [xx, kk, uu, bb, hh, cc] = a as [
        tf.Tensor3D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor1D,
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      if (fused) {
        const o = fusedLstm(
          xx,
          kk,
          uu,
          bb,
          c.initialState ? hh : null,
          c.initialState ? cc : null,
          { ...c, mask },
        );
        return [o.output, o.h, o.c];
      }
      const cell = (layer as unknown as { cell: Record<string, { read(): tf.Tensor }> }).cell;
      // Read the differentiated inputs instead of the layer's variables.
      cell['kernel']!.read = () => kk;
      cell['recurrentKernel']!.read = () => uu;
      cell['bias']!.read = () => bb;
      const kwargs = {
        ...(c.initialState ? { initialState: [hh, cc] } : {}),
        ...(mask === null ? {} : { mask }),
      };
      return layer.apply(xx, kwargs) as tf.Tensor[];
    };
    const loss = (...a: tf.Tensor[]): tf.Scalar => {
      const flat = tf.concat(forward(...a).map((t) => tf.reshape(t, [-1])));
      return tf.sum(tf.mul(flat, r));
    };
    if (!fused) layer.apply(x); // builds the weights
    const inputs = [x, k, u, b, h0, c0];
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

describe('fusedLstm (WASM SIMD whole-sequence kernel)', () => {
  beforeAll(async () => {
    await initBackend({ type: 'cpu' });
  });

  it.each([...PARITY_CASES, ...MASKED_PARITY_CASES])(
    'matches tfjs-layers LSTM on outputs, states and gradients: %o',
    (c) => {
      const before = tf.memory().numTensors;
      const live = fusedRnnModule().liveBytes();
      const ref = run(c, false);
      const got = run(c, true);
      const names = ['output', 'h', 'c', 'dx', 'dkernel', 'drecurrent', 'dbias', 'dh0', 'dc0'];
      expect(got).toHaveLength(ref.length);
      for (let i = 0; i < ref.length; i++) {
        const diff = maxAbsDiff(got[i]!, ref[i]!);
        expect(diff, names[i]).toBeLessThan(1e-4);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(fusedRnnModule().liveBytes()).toBe(live);
    },
  );

  it.each([false, true])('agrees with central finite differences (masked: %s)', (masked) => {
    const B = 5,
      T = 4,
      E = 3,
      H = 4;
    const before = tf.memory().numTensors;
    const mask = masked ? paddingMask(B, T, 'float32') : null;
    const x = tf.tensor3d(values(B * T * E, 11), [B, T, E]);
    const k = tf.tensor2d(values(E * 4 * H, 12, 0.5), [E, 4 * H]);
    const u = tf.tensor2d(values(H * 4 * H, 13, 0.5), [H, 4 * H]);
    const b = tf.tensor1d(values(4 * H, 14, 0.5));
    const h0 = tf.tensor2d(values(B * H, 16), [B, H]);
    const c0 = tf.tensor2d(values(B * H, 17), [B, H]);
    const r = tf.tensor(values(B * (T + 2) * H, 15));
    const loss = (...a: tf.Tensor[]): tf.Scalar =>
      tf.tidy(() => {
        const [xx, kk, uu, bb, hh, cc] = a as [
          tf.Tensor3D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        const o = fusedLstm(xx, kk, uu, bb, hh, cc, { returnSequences: true, mask });
        const flat = tf.concat([o.output, o.h, o.c].map((t) => tf.reshape(t, [-1])));
        return tf.sum(tf.mul(flat, r));
      });
    const inputs = [x, k, u, b, h0, c0];
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
    tf.dispose([x, k, u, b, h0, c0, r, ...(mask === null ? [] : [mask])]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a masked step carries h and c over', () => {
    const B = 5,
      T = 6,
      E = 3,
      H = 5;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const mask = paddingMask(B, T, 'bool');
      const h0 = tf.tensor2d(values(B * H, 5), [B, H]);
      const c0 = tf.tensor2d(values(B * H, 6), [B, H]);
      const o = fusedLstm(
        tf.tensor3d(values(B * T * E, 1), [B, T, E]),
        tf.tensor2d(values(E * 4 * H, 2, 0.5), [E, 4 * H]),
        tf.tensor2d(values(H * 4 * H, 3, 0.5), [H, 4 * H]),
        tf.tensor1d(values(4 * H, 4, 0.5)),
        h0,
        c0,
        { returnSequences: true, mask },
      );
      expectMaskedStepsCarryOver(o.output, o.h, mask, h0);
      const start = h0.arraySync();
      // the row with no step at all keeps both initial states
      expect(o.h.arraySync()[3]).toEqual(start[3]);
      expect(o.c.arraySync()[3]).toEqual(c0.arraySync()[3]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a mask that does not fit the input', () => {
    const x = tf.zeros([2, 3, 1]) as tf.Tensor3D;
    const k = tf.zeros([1, 4]) as tf.Tensor2D;
    const u = tf.zeros([1, 4]) as tf.Tensor2D;
    const mask = tf.ones([3, 2]);
    expect(() => fusedLstm(x, k, u, null, null, null, { mask })).toThrow(
      /mask \[3,2\] does not fit the input: expected \[2, 3\]/,
    );
    tf.dispose([x, k, u, mask]);
  });

  it('the committed .wasm files (and their embedded copies) are what csrc/*.c build to', (ctx) => {
    const csrc = fileURLToPath(new URL('../../csrc/', import.meta.url));
    const committed = {
      'fused_rnn.wasm': readFileSync(join(csrc, 'fused_rnn.wasm')),
      'fused_rnn_mt.wasm': readFileSync(join(csrc, 'fused_rnn_mt.wasm')),
      'heap_kernels.wasm': readFileSync(join(csrc, 'heap_kernels.wasm')),
    };
    const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
    expect(sha256(committed['fused_rnn.wasm'])).toBe(FUSED_RNN_WASM_SHA256);
    expect(sha256(committed['heap_kernels.wasm'])).toBe(HEAP_KERNELS_WASM_SHA256);
    let clang = true;
    try {
      execFileSync('clang', ['--version'], { stdio: 'ignore' });
      execFileSync('wasm-ld', ['--version'], { stdio: 'ignore' });
    } catch {
      clang = false;
    }
    if (!clang) {
      console.warn('notice: clang/wasm-ld not installed: not rebuilding csrc/*.wasm');
      ctx.skip();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'seqpipe-fused-'));
    try {
      execFileSync('sh', [join(csrc, 'build.sh'), dir], { stdio: 'pipe' });
      for (const [name, bytes] of Object.entries(committed)) {
        expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
