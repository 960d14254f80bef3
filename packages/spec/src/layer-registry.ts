import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fuseRecurrent } from '@seqpipe/backend';
import { SeededOrthogonal } from './seeded-orthogonal.js';
import { reseedEachTrainingStep, seededDropoutFunc } from './seeded-dropout.js';
import type {
  CompileContext,
  LayerSpec,
  LayerType,
  RecurrentLayerSpec,
  RecurrentLayerType,
} from './pipeline-types.js';

/** What a layer factory gets besides its spec. */
export interface LayerBuildContext {
  /** The tfjs layer name (the graph node name). */
  readonly name: string;
  /** A deterministic seed for one random part of this layer (`kernel`, `recurrent`, `dropout`...). */
  readonly seed: (role: string) => number;
  readonly compile: CompileContext;
}

/** The spec a layer type is built from. */
export type LayerSpecOf<T extends LayerType> = T extends RecurrentLayerType
  ? RecurrentLayerSpec
  : Extract<LayerSpec, { type: T }>;

export type LayerFactory<T extends LayerType> = (
  spec: LayerSpecOf<T>,
  build: LayerBuildContext,
) => tfl.layers.Layer;

type RnnArgs = Parameters<typeof tfl.layers.simpleRNN>[0];
type Activation = NonNullable<RnnArgs['activation']>;

/** The mutable parts of a tfjs RNN cell that Bidirectional's cloning loses. */
interface CellInitialization {
  kernelInitializer: unknown;
  recurrentInitializer: unknown;
  dropoutFunc: unknown;
}

/** The dropout masks a tfjs RNN cell keeps between calls. */
interface CellMasks {
  dropoutMask: tf.Tensor | tf.Tensor[] | null;
  recurrentDropoutMask: tf.Tensor | tf.Tensor[] | null;
}

/**
 * tfjs RNN cells keep their last dropout masks (even at inference, as all-ones masks) and
 * `dispose()` forgets them: 1 to 4 tensors leaked per cell and model. This frees them when
 * `layer` is disposed.
 */
function disposeMasksOnDispose(
  layer: tfl.layers.Layer,
  cells: () => readonly tfl.layers.RNNCell[],
): void {
  const dispose = layer.dispose.bind(layer);
  layer.dispose = () => {
    for (const cell of cells()) {
      const masks = cell as unknown as CellMasks;
      tf.dispose(masks.dropoutMask ?? []);
      tf.dispose(masks.recurrentDropoutMask ?? []);
      masks.dropoutMask = null;
      masks.recurrentDropoutMask = null;
    }
    return dispose();
  };
}

function recurrentArgs(
  spec: RecurrentLayerSpec,
  name: string,
  seed: (role: string) => number,
): RnnArgs {
  return {
    units: spec.units,
    returnSequences: spec.returnSequences ?? false,
    returnState: spec.returnState ?? false,
    activation: (spec.activation ?? 'tanh') as Activation,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed('kernel') }),
    recurrentInitializer: new SeededOrthogonal({ seed: seed('recurrent') }),
    biasInitializer: 'zeros',
    dropout: spec.dropout ?? 0,
    recurrentDropout: spec.recurrentDropout ?? 0,
    dropoutFunc: seededDropoutFunc(seed('dropout')),
    name,
  };
}

/**
 * tfjs' RNN.apply writes `initialState` into the kwargs object it is given, and tfjs' graph
 * executor passes one kwargs object to every layer it runs: a second recurrent call (another
 * state output of the same layer, the next layer) then sees a stale `initialState` beside its
 * array inputs and throws. Each call gets its own copy; states arriving as inputs win.
 */
function isolateApplyKwargs(layer: tfl.RNN): void {
  const apply = layer.apply.bind(layer);
  layer.apply = (inputs, kwargs) => {
    if (kwargs === undefined) return apply(inputs);
    const copy: Record<string, unknown> = { ...kwargs };
    if (Array.isArray(inputs)) delete copy['initialState'];
    return apply(inputs, copy);
  };
}

function recurrentLayer(
  spec: RecurrentLayerSpec,
  name: string,
  seed: (role: string) => number,
): tfl.RNN {
  const layer = createRecurrent(spec, name, seed);
  disposeMasksOnDispose(layer, () => [layer.cell]);
  fuseRecurrent(layer);
  isolateApplyKwargs(layer);
  return layer;
}

function createRecurrent(
  spec: RecurrentLayerSpec,
  name: string,
  seed: (role: string) => number,
): tfl.RNN {
  const args = recurrentArgs(spec, name, seed);
  const recurrentActivation = (spec.recurrentActivation ?? 'sigmoid') as Activation;
  switch (spec.type) {
    case 'simpleRnn':
      return tfl.layers.simpleRNN(args);
    case 'lstm':
      // Keras defaults: sigmoid gates, unit_forget_bias=True.
      return tfl.layers.lstm({ ...args, recurrentActivation, unitForgetBias: true });
    case 'gru':
      // tfjs-layers supports only reset_after=False (TF2 Keras defaults to True).
      return tfl.layers.gru({ ...args, recurrentActivation });
  }
}

const recurrentFactory = (spec: RecurrentLayerSpec, build: LayerBuildContext): tfl.layers.Layer =>
  recurrentLayer(spec, build.name, build.seed);

const snakeCase = (type: string): string =>
  type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * Every layer type, keyed by `type`: adding a layer is one entry here (plus its JSON Schema
 * branch and its shape rule in layer-kinds.ts). Every random initializer and dropout gets a
 * seed from `build.seed(role)`, so the same pipeline seed builds the same initial weights.
 * Defaults follow TF2 Keras where tfjs-layers differs (LSTM/GRU sigmoid gates, forget bias 1).
 */
export const layerRegistry: { readonly [T in LayerType]: LayerFactory<T> } = {
  // One-hot ids as a frozen identity embedding: ids stay int32 end to end and id 0 (padding) is masked.
  // fuseRecurrent: a fused recurrent layer right after reads the token ids (see @seqpipe/backend).
  oneHot: (spec, build) =>
    fuseRecurrent(
      tfl.layers.embedding({
        inputDim: spec.depth ?? build.compile.vocabSize,
        outputDim: spec.depth ?? build.compile.vocabSize,
        maskZero: true,
        trainable: false,
        embeddingsInitializer: tfl.initializers.identity({ gain: 1 }),
        name: build.name,
      }),
    ),
  concatenate: (_spec, build) => tfl.layers.concatenate({ axis: -1, name: build.name }),
  embedding: (spec, build) =>
    fuseRecurrent(
      tfl.layers.embedding({
        inputDim: spec.inputDim ?? build.compile.vocabSize,
        outputDim: spec.outputDim,
        maskZero: spec.maskZero ?? false,
        embeddingsInitializer: tfl.initializers.randomUniform({
          minval: -0.05,
          maxval: 0.05,
          seed: build.seed('embeddings'),
        }),
        name: build.name,
      }),
    ),
  simpleRnn: recurrentFactory,
  lstm: recurrentFactory,
  gru: recurrentFactory,
  bidirectional: (spec, build) => {
    const innerName = spec.layer.name ?? snakeCase(spec.layer.type);
    const inner = recurrentLayer(spec.layer, innerName, build.seed);
    const wrapper = tfl.layers.bidirectional({
      layer: inner,
      mergeMode: spec.mergeMode ?? 'concat',
      name: build.name,
    });
    // Bidirectional clones `inner` from its config: both directions would start from the same
    // seeds and lose the seeded dropout. Give each direction its own, before the weights are built.
    const directions = wrapper as unknown as { forwardLayer: tfl.RNN; backwardLayer: tfl.RNN };
    for (const [direction, layer] of [
      ['forward', directions.forwardLayer],
      ['backward', directions.backwardLayer],
    ] as const) {
      const cell = layer.cell as unknown as CellInitialization;
      cell.kernelInitializer = tfl.initializers.glorotUniform({
        seed: build.seed(`${direction}/kernel`),
      });
      cell.recurrentInitializer = new SeededOrthogonal({
        seed: build.seed(`${direction}/recurrent`),
      });
      cell.dropoutFunc = seededDropoutFunc(build.seed(`${direction}/dropout`));
    }
    disposeMasksOnDispose(wrapper, () => [
      directions.forwardLayer.cell,
      directions.backwardLayer.cell,
    ]);
    fuseRecurrent(wrapper);
    return wrapper;
  },
  dropout: (spec, build) => {
    const seed = build.seed('dropout');
    const layer = tfl.layers.dropout({ rate: spec.rate, seed, name: build.name });
    reseedEachTrainingStep(layer, seed);
    return layer;
  },
  dense: (spec, build) =>
    tfl.layers.dense({
      units: spec.units,
      activation: spec.activation ?? 'linear',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: build.seed('kernel') }),
      biasInitializer: 'zeros',
      name: build.name,
    }),
  globalAveragePooling1d: (_spec, build) => tfl.layers.globalAveragePooling1d({ name: build.name }),
  globalMaxPooling1d: (_spec, build) => tfl.layers.globalMaxPooling1d({ name: build.name }),
};

/** Builds the tfjs layer of a spec through the registry. */
export function createLayer(spec: LayerSpec, build: LayerBuildContext): tfl.layers.Layer {
  const factory = layerRegistry[spec.type] as LayerFactory<LayerType>;
  return factory(spec as never, build);
}

/** Keras' default layer name of a type: `simpleRnn` => `simple_rnn`. */
export function defaultLayerName(type: LayerType): string {
  return snakeCase(type);
}
