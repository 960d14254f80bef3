import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SeqpipeError } from '@seqpipe/errors';
import { createOptimizer } from './create-optimizer.js';
import { buildSharedGraphModel, type SharedLayers } from './graph-builder.js';
import type {
  EncoderDecoderModelSpec,
  GraphInputSpec,
  GraphModelSpec,
  GraphNodeSpec,
  LayerSpec,
  Pipeline,
} from './pipeline-types.js';

/** Sizes an encoder-decoder needs from the data. Index 0 of both vocabularies is padding. */
export interface Seq2seqCompileContext {
  /** Source vocabulary size (padding included). */
  readonly inputVocabSize: number;
  /** Target vocabulary size (padding, start and end included): the softmax width. */
  readonly targetVocabSize: number;
  readonly seed: number;
}

/** The three graphs of an encoder-decoder; node names are shared, so are the layers built from them. */
export interface EncoderDecoderGraphs {
  /** Teacher forcing: [encoder_tokens, decoder_tokens] → decoder_output [batch, time, targetVocab]. */
  readonly training: GraphModelSpec;
  /** encoder_tokens → the decoder's initial states, layer by layer (h, then c for lstm). */
  readonly encoder: GraphModelSpec;
  /** [decoder_tokens, ...states] → [decoder_output, ...next states]: one step (or more) of decoding. */
  readonly decoderStep: GraphModelSpec;
  /** Size of each state tensor, in `encoder` output order. */
  readonly stateSizes: readonly number[];
}

/** The compiled training model and the inference models sharing its weights. */
export interface EncoderDecoderModels {
  /** Compiled with the masked sequence loss and masked token accuracy; owns the optimizer. */
  readonly training: tfl.LayersModel;
  readonly encoder: tfl.LayersModel;
  readonly decoderStep: tfl.LayersModel;
  readonly stateSizes: readonly number[];
  /** Frees the weights (shared by the three models) and the optimizer state. */
  dispose(): void;
}

export const ENCODER_INPUT = 'encoder_tokens';
export const DECODER_INPUT = 'decoder_tokens';
export const DECODER_OUTPUT = 'decoder_output';

const layerName = (base: string, index: number): string =>
  index === 0 ? base : `${base}_${index}`;

/**
 * Lowers an `encoderDecoder` model to graphs (Keras' `lstm_seq2seq` wiring, generalised):
 * token ids → oneHot or embedding (padding id 0 masked) → `layers` stacked recurrent layers with
 * `returnState` (bidirectional: forward and backward states concatenated) → the decoder's layer
 * i starts from the encoder's layer i states → dense softmax over the target vocabulary.
 */
export function lowerEncoderDecoder(
  model: EncoderDecoderModelSpec,
  ctx: Pick<Seq2seqCompileContext, 'inputVocabSize' | 'targetVocabSize'>,
): EncoderDecoderGraphs {
  const { cell, units, layers, bidirectional, dropout } = model;
  const statesPerLayer = cell === 'lstm' ? 2 : 1;
  const decoderUnits = bidirectional ? 2 * units : units;
  const encoding = (depth: number): LayerSpec =>
    model.inputEncoding === 'embedding'
      ? {
          type: 'embedding',
          inputDim: depth,
          outputDim: model.embedding?.outputDim ?? units,
          maskZero: true,
        }
      : { type: 'oneHot', depth };

  const encoderNodes: GraphNodeSpec[] = [
    { name: 'encoder_encoding', layer: encoding(ctx.inputVocabSize), inputs: [ENCODER_INPUT] },
  ];
  const stateRefs: string[][] = [];
  let previous = 'encoder_encoding';
  for (let i = 0; i < layers; i++) {
    const name = layerName(`encoder_${cell}`, i);
    const recurrent = {
      type: cell,
      units,
      returnSequences: i < layers - 1,
      returnState: true,
      dropout,
    } as const;
    encoderNodes.push({
      name,
      layer: bidirectional
        ? {
            type: 'bidirectional',
            layer: { ...recurrent, name: `${name}_cell` },
            mergeMode: 'concat',
          }
        : recurrent,
      inputs: [previous],
    });
    const refs: string[] = [];
    for (let s = 1; s <= statesPerLayer; s++) {
      if (!bidirectional) {
        refs.push(`${name}:${s}`);
        continue;
      }
      const merged = `${name}_state_${s - 1}`;
      encoderNodes.push({
        name: merged,
        layer: { type: 'concatenate' },
        inputs: [`${name}:${s}`, `${name}:${s + statesPerLayer}`],
      });
      refs.push(merged);
    }
    stateRefs.push(refs);
    previous = `${name}:0`;
  }

  const decoderNodes = (initial: (layer: number) => string[]): GraphNodeSpec[] => {
    const nodes: GraphNodeSpec[] = [
      { name: 'decoder_encoding', layer: encoding(ctx.targetVocabSize), inputs: [DECODER_INPUT] },
    ];
    let input = 'decoder_encoding';
    for (let i = 0; i < layers; i++) {
      const name = layerName(`decoder_${cell}`, i);
      nodes.push({
        name,
        layer: {
          type: cell,
          units: decoderUnits,
          returnSequences: true,
          returnState: true,
          dropout,
        },
        inputs: [input],
        initialState: initial(i),
      });
      input = `${name}:0`;
    }
    nodes.push({
      name: DECODER_OUTPUT,
      layer: { type: 'dense', units: ctx.targetVocabSize, activation: 'softmax' },
      inputs: [input],
    });
    return nodes;
  };

  const encoderInput: GraphInputSpec = { name: ENCODER_INPUT, shape: [null], dtype: 'int32' };
  const decoderInput: GraphInputSpec = { name: DECODER_INPUT, shape: [null], dtype: 'int32' };
  const stateInputs: GraphInputSpec[] = [];
  for (let i = 0; i < layers; i++) {
    for (let s = 0; s < statesPerLayer; s++) {
      stateInputs.push({
        name: `decoder_state_${i}_${s}`,
        shape: [decoderUnits],
        dtype: 'float32',
      });
    }
  }
  const stepStates = (i: number): string[] =>
    stateInputs.slice(i * statesPerLayer, (i + 1) * statesPerLayer).map((input) => input.name);
  const stepOutputs = [DECODER_OUTPUT];
  for (let i = 0; i < layers; i++) {
    for (let s = 1; s <= statesPerLayer; s++)
      stepOutputs.push(`${layerName(`decoder_${cell}`, i)}:${s}`);
  }

  return {
    training: {
      type: 'graph',
      inputs: [encoderInput, decoderInput],
      nodes: [...encoderNodes, ...decoderNodes((i) => stateRefs[i] ?? [])],
      outputs: [DECODER_OUTPUT],
    },
    encoder: {
      type: 'graph',
      inputs: [encoderInput],
      nodes: encoderNodes,
      outputs: stateRefs.flat(),
    },
    decoderStep: {
      type: 'graph',
      inputs: [decoderInput, ...stateInputs],
      nodes: decoderNodes(stepStates),
      outputs: stepOutputs,
    },
    stateSizes: stateInputs.map(() => decoderUnits),
  };
}

/**
 * Categorical cross-entropy over the target steps with padding left out: `yTrue` is one-hot
 * [batch, time, vocab] with all-zero rows at padding. The sum over real tokens is divided by
 * their count, so padding never dominates the loss.
 */
export function maskedSequenceCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logp = tf.log(tf.clipByValue(yPred, 1e-7, 1));
    const total = tf.neg(tf.sum(tf.mul(yTrue, logp)));
    return tf.div(total, tf.maximum(tf.sum(yTrue), 1));
  });
}

/** Share of real (non-padding) target tokens predicted right under teacher forcing. */
export function maskedTokenAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mask = tf.sum(yTrue, -1);
    const hit = tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32');
    return tf.div(tf.sum(tf.mul(hit, mask)), tf.maximum(tf.sum(mask), 1));
  });
}
Object.defineProperty(maskedTokenAccuracy, 'name', { value: 'accuracy' });

function checkSizes(ctx: Seq2seqCompileContext): void {
  for (const key of ['inputVocabSize', 'targetVocabSize'] as const) {
    if (!Number.isInteger(ctx[key]) || ctx[key] < 2) {
      throw new SeqpipeError(
        'SEQPIPE_SPEC_COMPILE',
        `compile context ${key} must be an integer >= 2 (padding plus at least one token), got ${ctx[key]}`,
        {
          issues: [
            {
              path: '',
              message: `${key} too small`,
              hint: 'pass the vocabulary sizes measured on the data',
            },
          ],
        },
      );
    }
  }
}

/**
 * Compiles an `encoderDecoder` pipeline: the teacher-forcing training model (optimizer from
 * `train.optimizer`, masked sequence cross-entropy, masked token accuracy) and the inference
 * encoder and decoder-step models, all built by the one graph compiler from one layer map, so
 * they share every weight. Same seed, same initial weights.
 */
export function compileEncoderDecoder(
  pipeline: Pipeline,
  ctx: Seq2seqCompileContext,
): EncoderDecoderModels {
  const model = pipeline.model;
  if (model.type !== 'encoderDecoder') {
    throw new SeqpipeError(
      'SEQPIPE_SPEC_COMPILE',
      `/model/type: compileEncoderDecoder needs an "encoderDecoder" model, got "${model.type}" (use compileModel)`,
      {
        issues: [
          { path: '/model/type', message: 'not an encoderDecoder model', received: model.type },
        ],
      },
    );
  }
  checkSizes(ctx);
  const graphs = lowerEncoderDecoder(model, ctx);
  const compile = {
    vocabSize: ctx.inputVocabSize,
    inputLength: 1,
    numClasses: ctx.targetVocabSize,
    seed: ctx.seed,
  };
  const shared: SharedLayers = new Map();
  const training = buildSharedGraphModel(graphs.training, compile, shared, pipeline.name);
  const encoder = buildSharedGraphModel(
    graphs.encoder,
    compile,
    shared,
    `${pipeline.name}-encoder`,
  );
  const decoderStep = buildSharedGraphModel(
    graphs.decoderStep,
    compile,
    shared,
    `${pipeline.name}-decoder`,
  );
  training.compile({
    optimizer: createOptimizer(pipeline.train.optimizer),
    loss: maskedSequenceCrossentropy,
    metrics: [maskedTokenAccuracy],
  });
  return {
    training,
    encoder,
    decoderStep,
    stateSizes: graphs.stateSizes,
    dispose() {
      // tfjs counts a layer's models: the shared weights go when the last of the three is disposed.
      (training as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
      encoder.dispose();
      decoderStep.dispose();
      training.dispose();
    },
  };
}
