import type * as tfl from '@tensorflow/tfjs-layers';

export interface LayerSummary {
  name: string;
  /** tfjs class name (`Embedding`, `SimpleRNN`, `Dense`...). */
  type: string;
  /** Output shape with the batch dimension, e.g. `[null,10,16]`. */
  outputShape: string;
  params: number;
}

/** One row per layer of a model (the input layer included), like Keras' `model.summary()`. */
export function modelSummary(model: tfl.LayersModel): LayerSummary[] {
  return model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: JSON.stringify(layer.outputShape),
    params: layer.countParams(),
  }));
}

/** Total number of weights (trainable and not) of a model. */
export function totalParams(model: tfl.LayersModel): number {
  return model.countParams();
}
