import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { serializeModel } from './save-artifact.js';

const [T, E, H] = [3, 4, 5];

/** Keras' lstm_seq2seq shape: the decoder LSTM starts from the encoder's final states. */
function encoderDecoder(): tfl.LayersModel {
  const init = (seed: number) => ({
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    recurrentInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
  });
  const encIn = tfl.input({ shape: [T, E] });
  const states = tfl.layers
    .lstm({ units: H, returnState: true, ...init(1) })
    .apply(encIn) as tfl.SymbolicTensor[];
  const decIn = tfl.input({ shape: [T, E] });
  const decoder = tfl.layers.lstm({ units: H, returnSequences: true, name: 'decoder', ...init(3) });
  const seq = decoder.apply(decIn, { initialState: states.slice(1) }) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: E, ...init(5) }).apply(seq) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [encIn, decIn], outputs: out });
}

async function load(modelJson: string, weights: Uint8Array): Promise<tfl.LayersModel> {
  const json = JSON.parse(modelJson) as tf.io.ModelJSON;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]!.weights,
      weightData: weights.slice().buffer,
    }),
  );
}

describe('serializeModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('saves a decoder started from initial states without a warning, and they load back', async () => {
    const warn = vi.spyOn(console, 'warn');
    const model = encoderDecoder();
    const { modelJson, weights } = await serializeModel(model);
    expect(warn).not.toHaveBeenCalledWith(expect.stringContaining('non-serializable'));
    const loaded = await load(modelJson, weights);
    const x = [
      tf.randomUniform([2, T, E], -1, 1, 'float32', 7),
      tf.randomUniform([2, T, E], -1, 1, 'float32', 8),
    ];
    const want = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const got = Array.from((loaded.predict(x) as tf.Tensor).dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    // The states matter: the same decoder from zero states predicts something else.
    const zeroStateDecoder = tfl.model({
      inputs: loaded.inputs[1]!,
      outputs: loaded.layers
        .at(-1)!
        .apply(loaded.getLayer('decoder').apply(loaded.inputs[1]!)) as tfl.SymbolicTensor,
    });
    const zeroStates = Array.from((zeroStateDecoder.predict(x[1]!) as tf.Tensor).dataSync());
    expect(zeroStates.some((v, i) => Math.abs(v - want[i]!) > 1e-3)).toBe(true);
    tf.dispose(x);
  });

  it('still passes on the warning for another non-serializable call argument', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const input = tfl.input({ shape: [3] });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const out = tfl.layers
      .dense({ units: 2, name: 'odd' })
      .apply(input, { odd: circular }) as tfl.SymbolicTensor;
    await serializeModel(tfl.model({ inputs: input, outputs: out }));
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Layer odd was passed non-serializable keyword arguments'),
    );
  });
});
