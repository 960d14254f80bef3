import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type LstmArgs = Parameters<typeof tfl.layers.lstm>[0];
export type GruArgs = Parameters<typeof tfl.layers.gru>[0];
export type SimpleRnnArgs = Parameters<typeof tfl.layers.simpleRNN>[0];

/** The recurrent layer constructors a system builds models with (stock tfjs or seqpipe's). */
export interface RecurrentLayers {
  lstm(args: LstmArgs): tfl.layers.Layer;
  gru(args: GruArgs): tfl.layers.Layer;
  simpleRNN(args: SimpleRnnArgs): tfl.layers.Layer;
  /** Applied to wrappers built around these layers (Bidirectional clones its inner layer). */
  wrap<L extends tfl.layers.Layer>(layer: L): L;
  /** The recurrent kernels' orthogonal initializer (seqpipe: its seeded JavaScript one). */
  orthogonal(seed: number): Initializer;
}

type Initializer = ReturnType<typeof tfl.initializers.orthogonal>;

export const stockRecurrentLayers: RecurrentLayers = {
  lstm: (args) => tfl.layers.lstm(args),
  gru: (args) => tfl.layers.gru(args),
  simpleRNN: (args) => tfl.layers.simpleRNN(args),
  wrap: (layer) => layer,
  orthogonal: (seed) => tfl.initializers.orthogonal({ seed }),
};

export type WorkloadKind = 'classifier' | 'seq2seq';

/** A benchmark workload: shapes shared by the tfjs builder below and bench/py/torch_bench.py. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly kind: WorkloadKind;
  /** classifier: embedding -> recurrent -> dense(1, sigmoid); seq2seq: Keras' lstm_seq2seq. */
  readonly cell: 'lstm' | 'gru' | 'simpleRnn' | 'bilstm';
  readonly vocab: number;
  readonly embedding: number;
  readonly units: number;
  /** classifier: sequence length; seq2seq: encoder length. */
  readonly length: number;
  /** seq2seq decoder length. */
  readonly targetLength: number;
  readonly batch: number;
}

const imdb = (cell: Workload['cell']): Workload => ({
  name: `imdb-${cell.toLowerCase()}`,
  description: `IMDB shape: vocab 10k, len 250, embedding 32, ${cell} 32, batch 128`,
  kind: 'classifier',
  cell,
  vocab: 10_000,
  embedding: 32,
  units: 32,
  length: 250,
  targetLength: 0,
  batch: 128,
});

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'sentiment-tiny',
    description: 'seed 000 sentiment shape: vocab 500, len 10, embedding 16, simpleRnn 32, batch 8',
    kind: 'classifier',
    cell: 'simpleRnn',
    vocab: 500,
    embedding: 16,
    units: 32,
    length: 10,
    targetLength: 0,
    batch: 8,
  },
  imdb('lstm'),
  imdb('gru'),
  imdb('simpleRnn'),
  imdb('bilstm'),
  {
    name: 'seq2seq-char',
    description:
      'char seq2seq (Keras lstm_seq2seq): 70 symbols one-hot, latent 256, len 16/20, batch 64',
    kind: 'seq2seq',
    cell: 'lstm',
    vocab: 70,
    embedding: 0,
    units: 256,
    length: 16,
    targetLength: 20,
    batch: 64,
  },
];

/** A minimal workload for the harness' own smoke test (not part of `npm run bench`). */
export const SMOKE_WORKLOAD: Workload = {
  name: 'smoke',
  description: 'harness smoke test: vocab 50, len 5, embedding 4, lstm 4, batch 4',
  kind: 'classifier',
  cell: 'lstm',
  vocab: 50,
  embedding: 4,
  units: 4,
  length: 5,
  targetLength: 0,
  batch: 4,
};

export function findWorkload(name: string): Workload | undefined {
  return [...WORKLOADS, SMOKE_WORKLOAD].find((w) => w.name === name);
}

/** Deterministic pseudo-random numbers (LCG), so every system sees the same synthetic data. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `optimizer`: the training optimizer (Adam, learning rate 0.001, for every system). */
export function buildModel(
  w: Workload,
  layers: RecurrentLayers,
  optimizer: () => tf.Optimizer = () => tf.train.adam(0.001),
): tfl.LayersModel {
  const common = { units: w.units, recurrentActivation: 'sigmoid' as const };
  const init = (seed: number) => ({
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    recurrentInitializer: layers.orthogonal(seed + 1),
  });
  if (w.kind === 'seq2seq') {
    const encIn = tfl.input({ shape: [w.length, w.vocab], name: 'encoder_inputs' });
    const enc = layers.lstm({ ...common, ...init(1), returnState: true, name: 'encoder' });
    const encOut = enc.apply(encIn) as tfl.SymbolicTensor[];
    const decIn = tfl.input({ shape: [w.targetLength, w.vocab], name: 'decoder_inputs' });
    const dec = layers.lstm({ ...common, ...init(3), returnSequences: true, name: 'decoder' });
    const decOut = dec.apply(decIn, { initialState: encOut.slice(1) }) as tfl.SymbolicTensor;
    const dense = tfl.layers.dense({
      units: w.vocab,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }),
    });
    const model = tfl.model({
      inputs: [encIn, decIn],
      outputs: dense.apply(decOut) as tfl.SymbolicTensor,
    });
    model.compile({ optimizer: optimizer(), loss: 'categoricalCrossentropy' });
    return model;
  }
  const model = tfl.sequential();
  model.add(
    tfl.layers.embedding({
      inputDim: w.vocab,
      outputDim: w.embedding,
      inputLength: w.length,
      embeddingsInitializer: tfl.initializers.randomUniform({
        minval: -0.05,
        maxval: 0.05,
        seed: 7,
      }),
    }),
  );
  if (w.cell === 'bilstm') {
    model.add(
      layers.wrap(
        tfl.layers.bidirectional({ layer: layers.lstm({ ...common, ...init(1) }) as tfl.RNN }),
      ),
    );
  } else if (w.cell === 'lstm') {
    model.add(layers.lstm({ ...common, ...init(1) }));
  } else if (w.cell === 'gru') {
    model.add(layers.gru({ ...common, ...init(1) }));
  } else {
    model.add(layers.simpleRNN({ units: w.units, ...init(1) }));
  }
  model.add(
    tfl.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 9 }),
    }),
  );
  model.compile({ optimizer: optimizer(), loss: 'binaryCrossentropy' });
  return model;
}

/** Synthetic inputs and targets for `count` samples (the same numbers for every system). */
export function makeBatch(
  w: Workload,
  count: number,
  seed: number,
): { xs: tf.Tensor[]; y: tf.Tensor } {
  const rand = lcg(seed);
  if (w.kind === 'seq2seq') {
    const oneHot = (len: number): tf.Tensor => {
      const data = new Float32Array(count * len * w.vocab);
      for (let i = 0; i < count * len; i++) data[i * w.vocab + Math.floor(rand() * w.vocab)] = 1;
      return tf.tensor3d(data, [count, len, w.vocab]);
    };
    return { xs: [oneHot(w.length), oneHot(w.targetLength)], y: oneHot(w.targetLength) };
  }
  const ids = new Int32Array(count * w.length);
  for (let i = 0; i < ids.length; i++) ids[i] = 1 + Math.floor(rand() * (w.vocab - 1));
  const labels = new Float32Array(count);
  for (let i = 0; i < count; i++) labels[i] = rand() < 0.5 ? 0 : 1;
  return { xs: [tf.tensor2d(ids, [count, w.length], 'int32')], y: tf.tensor2d(labels, [count, 1]) };
}
