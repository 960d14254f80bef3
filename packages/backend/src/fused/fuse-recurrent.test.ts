import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../init-backend.js';
import { afterAll, describe, expect, it } from 'vitest';
import { fuseRecurrent, setFusedRecurrentLog } from './fuse-recurrent.js';
import { fusedKernelCalls } from './fused-rnn-module.js';

type Cell = 'lstm' | 'gru' | 'simpleRnn';

function model(maskZero: boolean, bidirectional: boolean, cell: Cell = 'lstm'): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(
    tfl.layers.embedding({
      inputDim: 20,
      outputDim: 4,
      inputLength: 6,
      maskZero,
      embeddingsInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }),
    }),
  );
  const args = {
    units: 5,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    recurrentInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    biasInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 4 }),
  };
  const lstm =
    cell === 'lstm'
      ? tfl.layers.lstm({ ...args, recurrentActivation: 'sigmoid' })
      : cell === 'gru'
        ? tfl.layers.gru({ ...args, recurrentActivation: 'sigmoid' })
        : tfl.layers.simpleRNN(args);
  m.add(fuseRecurrent(bidirectional ? tfl.layers.bidirectional({ layer: lstm }) : lstm));
  m.add(
    tfl.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }),
    }),
  );
  m.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy' });
  return m;
}

const ids = (): tf.Tensor =>
  tf.tensor2d(
    [
      [1, 2, 3, 4, 5, 6],
      [7, 0, 9, 3, 2, 1],
    ],
    [2, 6],
    'int32',
  );

/** Predictions and weights after one training step. */
async function trainOnce(
  backend: 'cpu' | 'wasm',
  bidirectional: boolean,
  cell: Cell = 'lstm',
  maskZero = false,
): Promise<number[]> {
  await initBackend(backend === 'cpu' ? { type: 'cpu' } : { type: 'wasm', threads: 1 });
  const m = model(maskZero, bidirectional, cell);
  const x = ids();
  const y = tf.tensor2d([[1], [0]]);
  await m.trainOnBatch(x, y);
  const p = m.predict(x) as tf.Tensor;
  const out = [...p.dataSync(), ...m.getWeights().flatMap((w) => Array.from(w.dataSync()))];
  tf.dispose([x, y, p]);
  m.optimizer.dispose(); // SGD keeps its learning rate as a tensor
  m.dispose();
  return out;
}

describe('fuseRecurrent', () => {
  afterAll(() => setFusedRecurrentLog((message) => console.warn(message)));

  it.each([false, true])(
    'trains like tfjs-layers (bidirectional: %s) and serializes as LSTM',
    async (bi) => {
      const ref = await trainOnce('cpu', bi);
      const before = tf.memory().numTensors;
      const got = await trainOnce('wasm', bi);
      expect(tf.memory().numTensors).toBe(before);
      expect(got).toHaveLength(ref.length);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4);
      const m = model(false, bi);
      expect(JSON.stringify(m.toJSON(null, false))).toContain('"class_name":"LSTM"');
      m.dispose();
    },
  );

  it.each([
    ['gru', 'GRU', false],
    ['simpleRnn', 'SimpleRNN', false],
    ['gru', 'GRU', true],
    ['simpleRnn', 'SimpleRNN', true],
  ] as const)(
    'trains %s like tfjs-layers and serializes as %s (bidirectional: %s)',
    async (cell, className, bi) => {
      const ref = await trainOnce('cpu', bi, cell);
      const before = tf.memory().numTensors;
      const messages: string[] = [];
      setFusedRecurrentLog((message) => messages.push(message));
      const got = await trainOnce('wasm', bi, cell);
      expect(messages).toEqual([]);
      expect(tf.memory().numTensors).toBe(before);
      expect(got).toHaveLength(ref.length);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4);
      const m = model(false, bi, cell);
      expect(JSON.stringify(m.toJSON(null, false))).toContain(`"class_name":"${className}"`);
      // The fused kernel computes tanh inside WASM: no tfjs Tanh kernel runs.
      const x = ids();
      const profile = await tf.profile(() => m.predict(x) as tf.Tensor);
      expect(profile.kernelNames).not.toContain('Tanh');
      tf.dispose(profile.result);
      x.dispose();
      m.dispose();
    },
  );

  it('falls back for a SimpleRNN with a non-tanh activation, saying why', async () => {
    const messages: string[] = [];
    setFusedRecurrentLog((message) => messages.push(message));
    await initBackend({ type: 'wasm', threads: 1 });
    const layer = fuseRecurrent(tfl.layers.simpleRNN({ units: 3, activation: 'relu' }));
    const input = tf.ones([2, 4, 3]);
    const y = layer.apply(input) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    expect(messages).toEqual([
      `seqpipe: layer '${layer.name}' runs tfjs-layers' SimpleRNN, not the fused kernel: activation relu (fused: tanh)`,
    ]);
    tf.dispose([input, y]);
    layer.dispose();
  });

  it.each([
    ['lstm', false],
    ['gru', false],
    ['simpleRnn', false],
    ['lstm', true],
  ] as const)(
    'trains %s behind a maskZero embedding like tfjs-layers, fused (bidirectional: %s)',
    async (cell, bi) => {
      // ids() holds a 0 mid-sequence: that step is masked (states carried over).
      const ref = await trainOnce('cpu', bi, cell, true);
      const messages: string[] = [];
      setFusedRecurrentLog((message) => messages.push(message));
      const calls = Object.values(fusedKernelCalls()).reduce((a, b) => a + b, 0);
      const got = await trainOnce('wasm', bi, cell, true);
      expect(messages).toEqual([]);
      expect(Object.values(fusedKernelCalls()).reduce((a, b) => a + b, 0)).toBeGreaterThan(calls);
      expect(got).toHaveLength(ref.length);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4);
    },
  );

  it('runs an encoder whose h and c both feed a decoder once per step (tfjs-layers applies it per output)', async () => {
    const build = (fused: boolean): tfl.LayersModel => {
      const fuse = <L extends tfl.layers.Layer>(layer: L): L =>
        fused ? fuseRecurrent(layer) : layer;
      const args = {
        units: 6,
        recurrentActivation: 'sigmoid' as const,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        recurrentInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      };
      const encIn = tfl.input({ shape: [5, 4] });
      const encoder = fuse(tfl.layers.lstm({ ...args, returnState: true }));
      const states = (encoder.apply(encIn) as tfl.SymbolicTensor[]).slice(1);
      const decIn = tfl.input({ shape: [3, 4] });
      const decoder = fuse(tfl.layers.lstm({ ...args, returnSequences: true }));
      const out = decoder.apply(decIn, { initialState: states }) as tfl.SymbolicTensor;
      const m = tfl.model({ inputs: [encIn, decIn], outputs: out });
      m.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
      return m;
    };
    const xs = [
      tf.randomUniform([2, 5, 4], -1, 1, 'float32', 1),
      tf.randomUniform([2, 3, 4], -1, 1, 'float32', 2),
    ];
    const y = tf.randomUniform([2, 3, 6], -1, 1, 'float32', 3);
    const run = async (fused: boolean) => {
      const m = build(fused);
      await m.trainOnBatch(xs, y);
      const out = Array.from((m.predict(xs) as tf.Tensor).dataSync());
      m.dispose();
      return out;
    };
    await initBackend({ type: 'wasm', threads: 1 });
    const want = await run(false);
    const before = { ...fusedKernelCalls() };
    const got = await run(true);
    const calls = fusedKernelCalls();
    // Training: encoder + decoder forward, decoder + encoder backward; prediction: two forwards.
    expect((calls['lstm_forward'] ?? 0) - (before['lstm_forward'] ?? 0)).toBe(4);
    expect((calls['lstm_backward'] ?? 0) - (before['lstm_backward'] ?? 0)).toBe(2);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    tf.dispose([...xs, y]);
  });

  it('gives a layer applied twice to one tensor two results with their own lifetimes', async () => {
    await initBackend({ type: 'wasm', threads: 1 });
    const m = tfl.sequential();
    m.add(
      fuseRecurrent(
        tfl.layers.lstm({ units: 4, inputShape: [5, 3], recurrentActivation: 'sigmoid' }),
      ),
    );
    const x = tf.randomUniform([2, 5, 3], -1, 1, 'float32', 4);
    const before = fusedKernelCalls()['lstm_forward'] ?? 0;
    const first = m.apply(x) as tf.Tensor;
    const second = m.apply(x) as tf.Tensor;
    // The second call reused the first one's outputs.
    expect((fusedKernelCalls()['lstm_forward'] ?? 0) - before).toBe(1);
    const want = Array.from(first.dataSync());
    first.dispose();
    expect(Array.from(second.dataSync())).toEqual(want);
    tf.dispose([second, x]);
    m.dispose();
  });
});
