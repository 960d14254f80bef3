import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fusedKernelsActive, fusedLstm } from '@seqpipe/backend';

/** Where "fused kernel not used" reasons go (once per layer and reason). */
let fallbackLog: (message: string) => void = (message) => console.warn(message);

/** Redirects (or silences, with `() => {}`) the fused-kernel fallback messages. */
export function setFusedRecurrentLog(log: (message: string) => void): void {
  fallbackLog = log;
}

interface LstmCellParts {
  kernel: tfl.LayerVariable;
  recurrentKernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
  dropout: number;
  recurrentDropout: number;
}

interface RnnParts {
  cell: LstmCellParts & { getClassName(): string };
  stateful: boolean;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  name: string;
}

type Kwargs = Record<string, unknown> | undefined;

/** Why this call cannot use the fused LSTM kernel, or undefined when it can. */
function unsupportedReason(rnn: RnnParts, kwargs: Kwargs): string | undefined {
  const cell = rnn.cell;
  const training = kwargs?.['training'] === true;
  if (rnn.stateful) return 'stateful';
  if (kwargs?.['mask'] != null) return 'masking (maskZero)';
  if (training && cell.dropout > 0) return 'dropout during training';
  if (training && cell.recurrentDropout > 0) return 'recurrentDropout during training';
  if (cell.activation.getClassName() !== 'tanh') {
    return `activation ${cell.activation.getClassName()} (fused: tanh)`;
  }
  if (cell.recurrentActivation.getClassName() !== 'sigmoid') {
    return `recurrentActivation ${cell.recurrentActivation.getClassName()} (fused: sigmoid)`;
  }
  return undefined;
}

function fuseLstm(layer: tfl.RNN): void {
  const rnn = layer as unknown as RnnParts;
  if (rnn.cell.getClassName() !== 'LSTMCell') return;
  const stockCall = layer.call.bind(layer);
  const logged = new Set<string>();
  layer.call = (inputs, kwargs) => {
    if (!fusedKernelsActive()) return stockCall(inputs, kwargs);
    const reason = unsupportedReason(rnn, kwargs);
    if (reason !== undefined) {
      if (!logged.has(reason)) {
        logged.add(reason);
        fallbackLog(
          `seqpipe: layer '${rnn.name}' runs tfjs-layers' LSTM, not the fused kernel: ${reason}`,
        );
      }
      return stockCall(inputs, kwargs);
    }
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const states = kwargs?.['initialState'] as tf.Tensor2D[] | undefined;
      const cell = rnn.cell;
      const r = fusedLstm(
        x,
        cell.kernel.read() as tf.Tensor2D,
        cell.recurrentKernel.read() as tf.Tensor2D,
        cell.bias === null ? null : (cell.bias.read() as tf.Tensor1D),
        states?.[0] ?? null,
        states?.[1] ?? null,
        { returnSequences: rnn.returnSequences, goBackwards: rnn.goBackwards },
      );
      return rnn.returnState ? [r.output, r.h, r.c] : r.output;
    });
  };
}

/**
 * Makes a tfjs-layers LSTM (or a Bidirectional wrapping LSTMs) run seqpipe's fused
 * whole-sequence kernel when seqpipe initialized the WASM backend and the call allows it (no
 * mask, no dropout while training, not stateful, tanh/sigmoid activations); otherwise the
 * layer runs tfjs-layers' own code and the reason is logged once. The layer's class, config
 * and weights are unchanged, so saved models load with stock `tf.loadLayersModel`.
 * Other layers are returned untouched. Returns `layer`.
 */
export function fuseRecurrent<L extends tfl.layers.Layer>(layer: L): L {
  const wrapper = layer as unknown as { forwardLayer?: tfl.RNN; backwardLayer?: tfl.RNN };
  if (wrapper.forwardLayer !== undefined && wrapper.backwardLayer !== undefined) {
    fuseLstm(wrapper.forwardLayer);
    fuseLstm(wrapper.backwardLayer);
  } else if ((layer as unknown as { cell?: unknown }).cell !== undefined) {
    fuseLstm(layer as unknown as tfl.RNN);
  }
  return layer;
}
