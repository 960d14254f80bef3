import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileEncoderDecoder,
  lowerEncoderDecoder,
  maskedSequenceCrossentropy,
  maskedTokenAccuracy,
} from './encoder-decoder.js';
import type { EncoderDecoderModelSpec, Pipeline } from './pipeline-types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function model(overrides: Partial<EncoderDecoderModelSpec> = {}): EncoderDecoderModelSpec {
  return {
    type: 'encoderDecoder',
    cell: 'lstm',
    units: 8,
    layers: 1,
    inputEncoding: 'oneHot',
    bidirectional: false,
    dropout: 0,
    decode: { strategy: 'greedy', beamWidth: 4 },
    ...overrides,
  };
}

function pipeline(spec: EncoderDecoderModelSpec): Pipeline {
  return {
    name: 'tiny',
    task: 'seq2seq',
    model: spec,
    train: {
      optimizer: { type: 'rmsprop', learningRate: 0.001 },
      loss: 'categoricalCrossentropy',
      epochs: 1,
      batchSize: 2,
    },
  } as unknown as Pipeline;
}

const ctx = { inputVocabSize: 7, targetVocabSize: 6, seed: 3 };

describe('lowerEncoderDecoder', () => {
  it('wires encoder states into the decoder (the seed 001 graph)', () => {
    const graphs = lowerEncoderDecoder(model(), ctx);
    expect(graphs.training.inputs.map((i) => i.name)).toEqual(['encoder_tokens', 'decoder_tokens']);
    const decoder = graphs.training.nodes.find((n) => n.name === 'decoder_lstm');
    expect(decoder?.initialState).toEqual(['encoder_lstm:1', 'encoder_lstm:2']);
    expect(graphs.encoder.outputs).toEqual(['encoder_lstm:1', 'encoder_lstm:2']);
    expect(graphs.decoderStep.outputs).toEqual([
      'decoder_output',
      'decoder_lstm:1',
      'decoder_lstm:2',
    ]);
    expect(graphs.stateSizes).toEqual([8, 8]);
  });

  it('merges bidirectional states by concatenation: the decoder gets 2 x units', () => {
    const graphs = lowerEncoderDecoder(model({ bidirectional: true, cell: 'gru', layers: 2 }), ctx);
    expect(graphs.encoder.outputs).toEqual(['encoder_gru_state_0', 'encoder_gru_1_state_0']);
    const merge = graphs.training.nodes.find((n) => n.name === 'encoder_gru_state_0');
    expect(merge?.inputs).toEqual(['encoder_gru:1', 'encoder_gru:2']);
    expect(graphs.stateSizes).toEqual([16, 16]);
  });
});

describe('compileEncoderDecoder', () => {
  const variants: Array<[string, Partial<EncoderDecoderModelSpec>]> = [
    ['lstm one-hot', {}],
    ['gru embedding', { cell: 'gru', inputEncoding: 'embedding', embedding: { outputDim: 5 } }],
    ['2-layer bidirectional lstm', { layers: 2, bidirectional: true }],
  ];
  for (const [label, overrides] of variants) {
    it(`${label}: the inference models reproduce the training model's step outputs`, () => {
      const before = tf.memory().numTensors;
      const models = compileEncoderDecoder(pipeline(model(overrides)), ctx);
      tf.tidy(() => {
        // two sources of different length (0 = padding), teacher-forced decoder inputs
        const source = tf.tensor2d(
          [
            [1, 2, 3, 4],
            [5, 6, 0, 0],
          ],
          [2, 4],
          'int32',
        );
        const decoderIn = tf.tensor2d(
          [
            [1, 3, 4],
            [1, 5, 2],
          ],
          [2, 3],
          'int32',
        );
        const full = models.training.apply([source, decoderIn], { training: false }) as tf.Tensor;
        let states = models.encoder.apply(source, { training: false });
        let stateList = (Array.isArray(states) ? states : [states]) as tf.Tensor[];
        for (let t = 0; t < 3; t++) {
          const token = tf.slice(decoderIn, [0, t], [2, 1]);
          const out = models.decoderStep.apply([token, ...(stateList as tf.Tensor[])], {
            training: false,
          }) as tf.Tensor[];
          const [probs, ...next] = out;
          const expected = tf.slice(full, [0, t, 0], [2, 1, 6]);
          const diff = tf.max(tf.abs(tf.sub(probs as tf.Tensor, expected))).dataSync()[0];
          expect(diff).toBeLessThan(1e-5);
          stateList = next;
        }
        // the padded source gives the same states as the unpadded one (padding is masked)
        states = models.encoder.apply(tf.tensor2d([[5, 6]], [1, 2], 'int32'), { training: false });
        const short = (Array.isArray(states) ? states : [states])[0] as tf.Tensor;
        const padded = models.encoder.apply(source, { training: false }) as tf.Tensor | tf.Tensor[];
        const paddedFirst = (Array.isArray(padded) ? padded[0] : padded) as tf.Tensor;
        const row = tf.slice(paddedFirst, [1, 0], [1, short.shape[1] as number]);
        expect(tf.max(tf.abs(tf.sub(row, short))).dataSync()[0]).toBeLessThan(1e-5);
      });
      models.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('same seed, same initial weights; trains with the masked loss', async () => {
    const a = compileEncoderDecoder(pipeline(model()), ctx);
    const b = compileEncoderDecoder(pipeline(model()), ctx);
    const wa = a.training.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.training.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    const x = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [2, 3],
      'int32',
    );
    const d = tf.tensor2d(
      [
        [1, 2, 3],
        [1, 4, 0],
      ],
      [2, 3],
      'int32',
    );
    const y = tf.cast(
      tf.oneHot(
        tf.tensor2d(
          [
            [2, 3, 2],
            [4, 2, -1],
          ],
          [2, 3],
          'int32',
        ),
        6,
      ),
      'float32',
    );
    const result = (await a.training.trainOnBatch([x, d], y)) as number[];
    expect(a.training.metricsNames).toEqual(['loss', 'accuracy']);
    expect(result[0]).toBeGreaterThan(1);
    expect(result[0]).toBeLessThan(2.5);
    tf.dispose([x, d, y]);
    a.dispose();
    b.dispose();
  });
});

describe('masked loss and accuracy', () => {
  it('ignore padding positions', () => {
    tf.tidy(() => {
      const yTrue = tf.cast(
        tf.oneHot(tf.tensor2d([[1, 2, -1, -1]], [1, 4], 'int32'), 3),
        'float32',
      );
      const yPred = tf.tensor3d([
        [
          [0.1, 0.8, 0.1],
          [0.1, 0.1, 0.8],
          [0.9, 0.05, 0.05],
          [0.2, 0.7, 0.1],
        ],
      ]);
      expect(maskedSequenceCrossentropy(yTrue, yPred).dataSync()[0]).toBeCloseTo(-Math.log(0.8), 5);
      expect(maskedTokenAccuracy(yTrue, yPred).dataSync()[0]).toBe(1);
    });
  });
});
