import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { fuseModel, fuseRecurrent, setFusedRecurrentLog } from './fuse-recurrent.js';
import { fusedKernelCalls, fusedRnnModule } from './fused-rnn-module.js';
import { kernelThreadStats, startKernelThreads, stopKernelThreads } from './kernel-threads.js';

type Cell = 'lstm' | 'gru' | 'simpleRnn' | 'bilstm';

interface Case {
  cell: Cell;
  returnSequences: boolean;
  goBackwards: boolean;
  maskZero: boolean;
}

// Big enough that 2 kernel threads split the batch (batch-split.ts); 60 words, so rows repeat.
const [V, B, T, E, H] = [60, 16, 64, 32, 48];

/** Token ids in [0, V), with a run of padding (0) at the end of some rows. */
function tokenIds(): tf.Tensor2D {
  let s = 12345;
  const ids = Array.from({ length: B * T }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const row = Math.floor(i / T);
    const t = i % T;
    return t >= T - (row % 5) * 7 ? 0 : 1 + (s % (V - 1));
  });
  return tf.tensor2d(ids, [B, T], 'int32');
}

/** A model Embedding -> recurrent layer; `tokens`: the Embedding is fused too. */
function buildModel(c: Case, tokens: boolean): tfl.LayersModel {
  const embedding = tfl.layers.embedding({
    inputDim: V,
    outputDim: E,
    maskZero: c.maskZero,
    embeddingsInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }),
  });
  const args = {
    units: H,
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    recurrentInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    biasInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 4 }),
  };
  const recurrent =
    c.cell === 'gru'
      ? tfl.layers.gru({ ...args, recurrentActivation: 'sigmoid' })
      : c.cell === 'simpleRnn'
        ? tfl.layers.simpleRNN(args)
        : tfl.layers.lstm({ ...args, recurrentActivation: 'sigmoid' });
  const model = tfl.sequential();
  model.add(tokens ? fuseRecurrent(embedding) : embedding);
  model.add(
    fuseRecurrent(
      c.cell === 'bilstm' ? tfl.layers.bidirectional({ layer: recurrent as tfl.RNN }) : recurrent,
    ),
  );
  return model;
}

/** The loss (a weighted sum of the output) and its gradient for every weight, by weight name. */
function lossAndGradients(model: tfl.LayersModel): Record<string, number[]> {
  const ids = tokenIds();
  const result = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(ids, { training: true }) as tf.Tensor;
      return tf.sum(tf.mul(out, tf.sin(tf.reshape(tf.range(0, out.size), out.shape))));
    });
    const named: Record<string, number[]> = { loss: [value.dataSync()[0]!] };
    model.trainableWeights.forEach((w, i) => {
      // Weight names differ between the two models; their order does not.
      named[`${i}`] = Array.from(grads[(w.read() as tf.Variable).name]!.dataSync());
    });
    return named;
  });
  ids.dispose();
  return result;
}

function predict(model: tfl.LayersModel): number[] {
  const ids = tokenIds();
  const out = tf.tidy(() => Array.from((model.predict(ids) as tf.Tensor).dataSync()));
  ids.dispose();
  return out;
}

/** Worst difference relative to the array's scale. */
function relativeError(got: number[], want: number[]): number {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1e-3, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return worst / scale;
}

const projections = (): number => fusedKernelCalls()['project_tokens'] ?? 0;

describe('fused recurrent layers reading token ids (Embedding -> RNN)', () => {
  beforeAll(async () => {
    await initBackend({ type: 'wasm', threads: 1 });
  });
  afterAll(async () => {
    await stopKernelThreads();
  });

  it.each<Case>([
    { cell: 'lstm', returnSequences: false, goBackwards: false, maskZero: false },
    { cell: 'lstm', returnSequences: true, goBackwards: true, maskZero: true },
    { cell: 'gru', returnSequences: false, goBackwards: false, maskZero: false },
    { cell: 'gru', returnSequences: true, goBackwards: true, maskZero: true },
    { cell: 'simpleRnn', returnSequences: false, goBackwards: false, maskZero: false },
    { cell: 'simpleRnn', returnSequences: true, goBackwards: true, maskZero: true },
    { cell: 'bilstm', returnSequences: false, goBackwards: false, maskZero: true },
  ])(
    '$cell (sequences $returnSequences, backwards $goBackwards, maskZero $maskZero): same outputs and gradients as from the embeddings',
    (c) => {
      const rows = buildModel(c, false);
      const tokens = buildModel(c, true);
      const before = projections();
      const want = lossAndGradients(rows);
      expect(projections()).toBe(before);
      const tensors = tf.memory().numTensors;
      const live = fusedRnnModule().liveBytes();
      const got = lossAndGradients(tokens);
      expect(projections()).toBe(before + (c.cell === 'bilstm' ? 2 : 1));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(fusedRnnModule().liveBytes()).toBe(live);
      for (const name of Object.keys(want)) {
        // The forward computes each row's projection with the same operations: equal values.
        // Gradients sum the same terms in another order.
        expect(relativeError(got[name]!, want[name]!), name).toBeLessThan(1e-5);
      }
      // Prediction (no gradient recorded) is the same computation without kept activations.
      const predicted = predict(tokens);
      expect(relativeError(predicted, predict(rows))).toBe(0);
      rows.dispose();
      tokens.dispose();
    },
  );

  it('splits the tokens over kernel threads like the rows', async () => {
    const c: Case = { cell: 'lstm', returnSequences: true, goBackwards: true, maskZero: true };
    const model = buildModel(c, true);
    const one = lossAndGradients(model);
    await startKernelThreads(2);
    const jobs = kernelThreadStats().workerJobs;
    const two = lossAndGradients(model);
    const stats = kernelThreadStats();
    expect(stats.workerJobs - jobs).toBe(2);
    for (const name of Object.keys(one)) {
      expect(relativeError(two[name]!, one[name]!), name).toBeLessThan(1e-5);
    }
    await stopKernelThreads();
    model.dispose();
  });

  it('reads embeddings when the batch has fewer rows than the table (one review)', () => {
    const embedding = fuseRecurrent(
      tfl.layers.embedding({ inputDim: 500, outputDim: E, embeddingsInitializer: 'randomUniform' }),
    );
    const model = tfl.sequential();
    model.add(embedding);
    model.add(fuseRecurrent(tfl.layers.gru({ units: H, recurrentActivation: 'sigmoid' })));
    const before = projections();
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]], [1, 8], 'int32');
    const out = tf.tidy(() => Array.from((model.predict(ids) as tf.Tensor).dataSync()));
    expect(projections()).toBe(before);
    expect(out).toHaveLength(H);
    ids.dispose();
    model.dispose();
  });

  it('falls back to the embeddings when the Embedding output is changed on the way', () => {
    const c: Case = { cell: 'gru', returnSequences: false, goBackwards: false, maskZero: false };
    const model = buildModel(c, true);
    const before = projections();
    const ids = tokenIds();
    // A layer between the two (here: an op on the Embedding's output) breaks the link.
    const out = tf.tidy(() => {
      const x = model.layers[0]!.apply(ids) as tf.Tensor;
      return Array.from((model.layers[1]!.apply(tf.mul(x, 2)) as tf.Tensor).dataSync());
    });
    expect(projections()).toBe(before);
    expect(out.every(Number.isFinite)).toBe(true);
    ids.dispose();
    model.dispose();
  });

  describe('fuseModel with lazyEmbeddings: an Embedding read only by fused layers gathers nothing', () => {
    const kernelsRun = (model: tfl.LayersModel): string[] => {
      const ids = tokenIds();
      const names = new Set<string>();
      tf.tidy(() => {
        const original = tf.engine().runKernel.bind(tf.engine());
        const engine = tf.engine() as unknown as { runKernel: typeof original };
        engine.runKernel = (name, ...rest) => {
          names.add(name);
          return original(name, ...rest);
        };
        try {
          (model.predict(ids) as tf.Tensor).dataSync();
        } finally {
          engine.runKernel = original;
        }
      });
      ids.dispose();
      return [...names];
    };

    it('skips the lookup and gives the same predictions and gradients', () => {
      const c: Case = { cell: 'lstm', returnSequences: false, goBackwards: true, maskZero: true };
      const want = buildModel(c, false);
      const model = fuseModel(buildModel(c, false), { lazyEmbeddings: true });
      expect(kernelsRun(want)).toContain('GatherV2');
      expect(kernelsRun(model)).not.toContain('GatherV2');
      // Without the option the Embedding still gathers (its layer may be reused elsewhere).
      const plain = fuseModel(buildModel(c, false));
      expect(kernelsRun(plain)).toContain('GatherV2');
      plain.dispose();
      expect(relativeError(predict(model), predict(want))).toBe(0);
      const [got, expected] = [lossAndGradients(model), lossAndGradients(want)];
      for (const name of Object.keys(expected)) {
        expect(relativeError(got[name]!, expected[name]!), name).toBeLessThan(1e-5);
      }
      want.dispose();
      model.dispose();
    });

    it('keeps the lookup when another layer reads the embeddings too', () => {
      const input = tfl.input({ shape: [T], dtype: 'int32' });
      const embedded = tfl.layers
        .embedding({ inputDim: V, outputDim: E, embeddingsInitializer: 'randomUniform' })
        .apply(input) as tfl.SymbolicTensor;
      const recurrent = tfl.layers.gru({ units: H, recurrentActivation: 'sigmoid' });
      const pooled = tfl.layers.globalAveragePooling1d().apply(embedded) as tfl.SymbolicTensor;
      const output = tfl.layers
        .concatenate()
        .apply([recurrent.apply(embedded) as tfl.SymbolicTensor, pooled]) as tfl.SymbolicTensor;
      const plain = tfl.model({ inputs: input, outputs: output });
      const want = predict(plain);
      const before = projections();
      fuseModel(plain, { lazyEmbeddings: true });
      expect(kernelsRun(plain)).toContain('GatherV2');
      expect(projections()).toBe(before + 1);
      // Fused GRU against tfjs-layers' GRU.
      expect(relativeError(predict(plain), want)).toBeLessThan(1e-5);
      plain.dispose();
    });

    it("computes the embeddings for a recurrent layer that runs tfjs-layers' code", () => {
      // A relu SimpleRNN has no fused kernel: it falls back, and needs the real embeddings.
      const build = () => {
        const model = tfl.sequential();
        model.add(
          tfl.layers.embedding({
            inputDim: V,
            outputDim: E,
            embeddingsInitializer: tfl.initializers.randomUniform({ seed: 1 }),
          }),
        );
        model.add(
          tfl.layers.simpleRNN({
            units: H,
            activation: 'relu',
            kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
            recurrentInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
          }),
        );
        return model;
      };
      const want = build();
      const model = build();
      const messages: string[] = [];
      setFusedRecurrentLog((message) => messages.push(message));
      fuseModel(model, { lazyEmbeddings: true });
      // The Embedding now returns a zero placeholder; the SimpleRNN computes the embeddings.
      const ids = tokenIds();
      const embedded = tf.tidy(() => {
        const x = model.layers[0]!.apply(ids) as tf.Tensor;
        return [x.shape, tf.sum(tf.abs(x)).dataSync()[0]];
      });
      ids.dispose();
      expect(embedded).toEqual([[B, T, E], 0]);
      expect(relativeError(predict(model), predict(want))).toBe(0);
      const [got, expected] = [lossAndGradients(model), lossAndGradients(want)];
      for (const name of Object.keys(expected)) {
        expect(relativeError(got[name]!, expected[name]!), name).toBe(0);
      }
      expect(messages.join('\n')).toMatch(/activation relu/);
      setFusedRecurrentLog((message) => console.warn(message));
      want.dispose();
      model.dispose();
    });
  });
});
