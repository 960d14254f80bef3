import type { LayerType } from './pipeline-types.js';

/**
 * What flows between layers, without sizes: token ids [batch, time] (int32),
 * a sequence of vectors [batch, time, features], or one vector per example [batch, features].
 */
export type ValueKind = 'tokens' | 'sequence' | 'vector';

type JsonObject = Record<string, unknown>;

export interface LayerShapeRule {
  /** Input kinds the layer accepts. */
  readonly accepts: readonly ValueKind[];
  /** The output kind for an accepted input. */
  readonly output: (input: ValueKind, layer: JsonObject) => ValueKind;
  /** Pointer (relative to the layer) of the switch that makes it return sequences, for recurrent layers. */
  readonly returnSequencesAt?: readonly string[];
  /**
   * Whether the output carries a padding mask (from an embedding with maskZero), given
   * whether the input does; `'unsupported'` when the tfjs layer throws on a masked input.
   */
  readonly mask: (inputMasked: boolean, layer: JsonObject) => boolean | 'unsupported';
}

const returnsSequences = (layer: unknown): boolean =>
  typeof layer === 'object' && layer !== null && (layer as JsonObject)['returnSequences'] === true;

const keepMask = (inputMasked: boolean): boolean => inputMasked;

const recurrent: LayerShapeRule = {
  accepts: ['sequence'],
  output: (_input, layer) => (returnsSequences(layer) ? 'sequence' : 'vector'),
  returnSequencesAt: ['returnSequences'],
  mask: (inputMasked, layer) => inputMasked && returnsSequences(layer),
};

/** tfjs-layers' global pooling layers do not support masks (Keras' do). */
const pooling: LayerShapeRule = {
  accepts: ['sequence'],
  output: () => 'vector',
  mask: (inputMasked) => (inputMasked ? 'unsupported' : false),
};

/**
 * Shape rules of every layer type, used by validation to catch wiring mistakes (an RNN after
 * an RNN without returnSequences, pooling after a vector, dense on token ids) before tfjs does.
 */
export const layerShapeRules: Readonly<Record<LayerType, LayerShapeRule>> = {
  oneHot: { accepts: ['tokens'], output: () => 'sequence', mask: () => true },
  concatenate: { accepts: ['sequence', 'vector'], output: (input) => input, mask: keepMask },
  embedding: {
    accepts: ['tokens'],
    output: () => 'sequence',
    mask: (_input, layer) => layer['maskZero'] === true,
  },
  simpleRnn: recurrent,
  lstm: recurrent,
  gru: recurrent,
  bidirectional: {
    accepts: ['sequence'],
    output: (_input, layer) => (returnsSequences(layer['layer']) ? 'sequence' : 'vector'),
    returnSequencesAt: ['layer', 'returnSequences'],
    mask: (inputMasked, layer) => inputMasked && returnsSequences(layer['layer']),
  },
  dropout: { accepts: ['tokens', 'sequence', 'vector'], output: (input) => input, mask: keepMask },
  dense: { accepts: ['sequence', 'vector'], output: (input) => input, mask: keepMask },
  globalAveragePooling1d: pooling,
  globalMaxPooling1d: pooling,
};

export function isLayerType(type: unknown): type is LayerType {
  return typeof type === 'string' && Object.hasOwn(layerShapeRules, type);
}
