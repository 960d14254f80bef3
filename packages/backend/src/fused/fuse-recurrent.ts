import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fusedKernelsActive } from './fused-kernels-active.js';
import { fuseLoss } from './fused-losses.js';
import { fusedLstm } from './fused-lstm.js';
import { isTapeOn } from './kernel-threads.js';
import { materializeTokens, recordTokenLookup, tokenPlaceholder } from './fused-input.js';
import { fusedGru, fusedSimpleRnn } from './fused-single-state-rnn.js';

/** Where "fused kernel not used" reasons go (once per layer and reason). */
let fallbackLog: (message: string) => void = (message) => console.warn(message);

/** Redirects (or silences, with `() => {}`) the fused-kernel fallback messages. */
export function setFusedRecurrentLog(log: (message: string) => void): void {
  fallbackLog = log;
}

interface CellParts {
  kernel: tfl.LayerVariable;
  recurrentKernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { getClassName(): string } | null;
  /** LSTM and GRU only. */
  recurrentActivation?: { getClassName(): string };
  dropout: number;
  recurrentDropout: number;
  getClassName(): string;
}

interface RnnParts {
  cell: CellParts;
  stateful: boolean;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  name: string;
}

type Kwargs = Record<string, unknown> | undefined;

/** The fused kernels by tfjs-layers cell class, with the layer name used in messages. */
const FUSED_CELLS: Record<string, { layer: string; gated: boolean }> = {
  LSTMCell: { layer: 'LSTM', gated: true },
  GRUCell: { layer: 'GRU', gated: true },
  SimpleRNNCell: { layer: 'SimpleRNN', gated: false },
};

/** Why this call cannot use the fused kernel, or undefined when it can. */
function unsupportedReason(rnn: RnnParts, kwargs: Kwargs, gated: boolean): string | undefined {
  const cell = rnn.cell;
  const training = kwargs?.['training'] === true;
  if (rnn.stateful) return 'stateful';
  if (training && cell.dropout > 0) return 'dropout during training';
  if (training && cell.recurrentDropout > 0) return 'recurrentDropout during training';
  const activation = cell.activation?.getClassName() ?? 'linear';
  if (activation !== 'tanh') return `activation ${activation} (fused: tanh)`;
  const recurrent = cell.recurrentActivation?.getClassName();
  if (gated && recurrent !== 'sigmoid') {
    return `recurrentActivation ${String(recurrent)} (fused: sigmoid)`;
  }
  return undefined;
}

/** Layers whose call is already patched (fusing twice would wrap the patch). */
const fusedLayers = new WeakSet<object>();

function fuseLayer(layer: tfl.RNN): void {
  const rnn = layer as unknown as RnnParts;
  const kind = FUSED_CELLS[rnn.cell.getClassName()];
  if (kind === undefined || fusedLayers.has(layer)) return;
  fusedLayers.add(layer);
  const stockCall = layer.call.bind(layer);
  const logged = new Set<string>();
  // tfjs-layers' own code needs real embeddings, not a token placeholder.
  const stock: typeof stockCall = (inputs, kwargs) =>
    stockCall(
      Array.isArray(inputs) ? inputs.map(materializeTokens) : materializeTokens(inputs),
      kwargs,
    );
  // tfjs-layers' graph executor applies a layer once per output that something reads (a seq2seq
  // encoder's h and c: twice, forward and backward). A call on the very same tensors, weights
  // and mode as the previous one returns that call's outputs (as clones).
  let previous: { key: unknown[]; result: tf.Tensor | tf.Tensor[] } | undefined;
  layer.call = (inputs, kwargs) => {
    if (!fusedKernelsActive()) return stock(inputs, kwargs);
    const reason = unsupportedReason(rnn, kwargs, kind.gated);
    if (reason !== undefined) {
      if (!logged.has(reason)) {
        logged.add(reason);
        fallbackLog(
          `seqpipe: layer '${rnn.name}' runs tfjs-layers' ${kind.layer}, not the fused kernel: ${reason}`,
        );
      }
      return stock(inputs, kwargs);
    }
    const key = callKey(rnn, inputs, kwargs);
    if (
      previous !== undefined &&
      previous.key.length === key.length &&
      previous.key.every((part, i) => part === key[i]) &&
      [previous.result].flat().every((t) => !t.isDisposed)
    ) {
      // Clones share the data but not the lifetime: disposing one result (a model output
      // predicted twice from one tensor) leaves the other intact; gradients pass through.
      const { result } = previous;
      return Array.isArray(result) ? result.map((t) => t.clone()) : result.clone();
    }
    const result = tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const states = kwargs?.['initialState'] as tf.Tensor2D[] | undefined;
      const cell = rnn.cell;
      const kernel = cell.kernel.read() as tf.Tensor2D;
      const recurrentKernel = cell.recurrentKernel.read() as tf.Tensor2D;
      const bias = cell.bias === null ? null : (cell.bias.read() as tf.Tensor1D);
      // tfjs hands a multi-input call (inputs + initial states) one mask per input.
      const rawMask = kwargs?.['mask'] as tf.Tensor | Array<tf.Tensor | null> | null | undefined;
      const mask = (Array.isArray(rawMask) ? rawMask[0] : rawMask) ?? null;
      const options = {
        returnSequences: rnn.returnSequences,
        goBackwards: rnn.goBackwards,
        mask,
      };
      if (kind.layer === 'LSTM') {
        const r = fusedLstm(
          x,
          kernel,
          recurrentKernel,
          bias,
          states?.[0] ?? null,
          states?.[1] ?? null,
          options,
        );
        return rnn.returnState ? [r.output, r.h, r.c] : r.output;
      }
      const run = kind.layer === 'GRU' ? fusedGru : fusedSimpleRnn;
      const r = run(x, kernel, recurrentKernel, bias, states?.[0] ?? null, options);
      return rnn.returnState ? [r.output, r.h] : r.output;
    });
    previous = { key, result };
    return result;
  };
}

/**
 * What a fused call's result depends on: its input, state and mask tensors, the weights' current
 * data (a variable's `assign` gives it new data), and whether gradients are being recorded.
 */
function callKey(rnn: RnnParts, inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): unknown[] {
  const cell = rnn.cell;
  const mask = kwargs?.['mask'] as tf.Tensor | Array<tf.Tensor | null> | null | undefined;
  const states = (kwargs?.['initialState'] as tf.Tensor[] | undefined) ?? [];
  return [
    isTapeOn(),
    kwargs?.['training'] === true,
    cell.kernel.read().dataId,
    cell.recurrentKernel.read().dataId,
    cell.bias?.read().dataId,
    ...[inputs].flat(),
    ...states,
    ...[mask ?? null].flat(),
  ];
}

/**
 * Makes an Embedding layer record, for each output, its table and token ids, so that a fused
 * recurrent layer reading that output projects each distinct token once (`fused-input.ts`).
 */
function recordLookups(layer: tfl.layers.Layer): void {
  if (fusedLayers.has(layer)) return;
  fusedLayers.add(layer);
  const embedding = layer as unknown as { embeddings: tfl.LayerVariable | null };
  const stockCall = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const ids = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!fusedKernelsActive() || embedding.embeddings === null || ids === undefined) {
      return stockCall(inputs, kwargs);
    }
    const table = embedding.embeddings.read();
    if (tokenOnlyEmbeddings.has(layer)) {
      const placeholder = tokenPlaceholder(table, ids);
      if (placeholder !== undefined) return placeholder;
    }
    const output = stockCall(inputs, kwargs);
    recordTokenLookup(output as tf.Tensor, table, ids);
    return output;
  };
}

/** Embedding layers whose every consumer reads token ids: they skip gathering embeddings. */
const tokenOnlyEmbeddings = new WeakSet<object>();

/** The recurrent layers `layer` runs: both directions of a Bidirectional, itself, or none. */
function recurrentLayers(layer: tfl.layers.Layer): tfl.RNN[] {
  const wrapper = layer as unknown as { forwardLayer?: tfl.RNN; backwardLayer?: tfl.RNN };
  if (wrapper.forwardLayer !== undefined && wrapper.backwardLayer !== undefined) {
    return [wrapper.forwardLayer, wrapper.backwardLayer];
  }
  return (layer as unknown as { cell?: unknown }).cell !== undefined
    ? [layer as unknown as tfl.RNN]
    : [];
}

/** Whether `layer` is a fused recurrent layer, or a Bidirectional around fused ones. */
function readsTokens(layer: tfl.layers.Layer): boolean {
  const rnns = recurrentLayers(layer);
  return rnns.length > 0 && rnns.every((rnn) => fusedLayers.has(rnn));
}

/**
 * Marks the model's Embedding layers whose outputs go only to fused recurrent layers (and are
 * not outputs of the model): their calls then return a placeholder instead of the embeddings.
 */
function markTokenOnlyEmbeddings(model: tfl.LayersModel): void {
  const outputs = new Set(model.outputs.map((t) => t.id));
  for (const layer of model.layers) {
    const nested = layer as unknown as { layers?: unknown; outputs?: unknown };
    if (Array.isArray(nested.layers) && Array.isArray(nested.outputs)) {
      markTokenOnlyEmbeddings(layer as unknown as tfl.LayersModel);
      continue;
    }
    if (layer.getClassName() !== 'Embedding' || !fusedLayers.has(layer)) continue;
    const consumers = layer.outboundNodes.map((node) => node.outboundLayer);
    const isOutput = layer.inboundNodes.some((node) =>
      node.outputTensors.some((t) => outputs.has(t.id)),
    );
    if (!isOutput && consumers.length > 0 && consumers.every(readsTokens)) {
      tokenOnlyEmbeddings.add(layer);
    }
  }
}

/**
 * Makes a tfjs-layers LSTM, GRU or SimpleRNN (or a Bidirectional wrapping them) run seqpipe's
 * fused whole-sequence kernel when seqpipe initialized the WASM backend and the call allows it
 * (masks included; no dropout while training, not stateful, `tanh` activation, `sigmoid` recurrent
 * activation for LSTM/GRU); otherwise the layer runs tfjs-layers' own code and the reason is
 * logged once. An Embedding layer is made to remember its token ids, so a fused layer reading
 * its output computes the input projection once per distinct token. The layer's class, config and weights are unchanged, so
 * saved models load with stock `tf.loadLayersModel`. Other layers are returned untouched.
 * Fusing a layer twice changes nothing. Returns `layer`.
 */
export function fuseRecurrent<L extends tfl.layers.Layer>(layer: L): L {
  if (layer.getClassName() === 'Embedding') recordLookups(layer);
  else for (const rnn of recurrentLayers(layer)) fuseLayer(rnn);
  return layer;
}

/** Options of {@link fuseModel}. */
export interface FuseModelOptions {
  /**
   * Let an Embedding layer whose outputs go only to fused recurrent layers (not to other layers,
   * not out of the model) skip gathering embeddings: its call returns zeros standing for them,
   * since the fused layers read the token ids (and compute the embeddings if they ever run
   * tfjs-layers' own code). Saves ~2-3 ms and 4 MB per IMDB batch. Only for a model whose
   * layers are not reused elsewhere: applied on its own, or in another model that outputs it,
   * such an Embedding gives zeros. Default false.
   */
  lazyEmbeddings?: boolean;
}

/**
 * Runs {@link fuseRecurrent} on every layer of a model (nested models included), e.g. one that
 * `tf.loadLayersModel` just loaded: its recurrent layers then predict with the fused kernels,
 * and the ones right after an Embedding read its token ids. A compiled model's
 * `categoricalCrossentropy` loss becomes one op ({@link fuseLoss}; compile after this, and call
 * `fuseLoss` then). Returns `model`.
 */
export function fuseModel<M extends tfl.LayersModel>(model: M, options: FuseModelOptions = {}): M {
  const visit = (layers: readonly tfl.layers.Layer[]): void => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
      if (Array.isArray(nested)) visit(nested);
      else fuseRecurrent(layer);
    }
  };
  visit(model.layers);
  if (options.lazyEmbeddings === true) markTokenOnlyEmbeddings(model);
  return fuseLoss(model);
}
