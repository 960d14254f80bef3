import { lowerEncoderDecoder } from './encoder-decoder.js';
import { defaultLayerName } from './layer-registry.js';
import type { CompileContext, GraphModelSpec, ModelSpec } from './pipeline-types.js';

/**
 * Lowers any model spec to the one form the compiler builds. A classifier becomes a graph
 * with one int32 input `tokens` of shape [ctx.inputLength] and a chain of nodes; each node is
 * named by its layer's `name` or, like Keras, by the snake_case type numbered on repeats
 * (`embedding`, `simple_rnn`, `dense`, `dense_1`). A graph is returned as a copy.
 */
export function lowerToGraph(
  model: ModelSpec,
  ctx: Pick<CompileContext, 'inputLength'> &
    Partial<Pick<CompileContext, 'vocabSize' | 'numClasses'>>,
): GraphModelSpec {
  if (model.type === 'graph') return structuredClone(model);
  // an encoder-decoder's training graph (vocabSize: source vocabulary, numClasses: target vocabulary)
  if (model.type === 'encoderDecoder')
    return lowerEncoderDecoder(model, {
      inputVocabSize: ctx.vocabSize ?? 2,
      targetVocabSize: ctx.numClasses ?? 2,
    }).training;
  const taken = new Set<string>([
    'tokens',
    ...model.layers.flatMap((layer) => (layer.name === undefined ? [] : [layer.name])),
  ]);
  const counts = new Map<string, number>();
  let previous = 'tokens';
  const nodes = model.layers.map((layer) => {
    let name = layer.name;
    if (name === undefined) {
      const base = defaultLayerName(layer.type);
      do {
        const count = counts.get(base) ?? 0;
        counts.set(base, count + 1);
        name = count === 0 ? base : `${base}_${count}`;
      } while (taken.has(name));
      taken.add(name);
    }
    const node = { name, layer: structuredClone(layer), inputs: [previous] };
    previous = name;
    return node;
  });
  return {
    type: 'graph',
    inputs: [{ name: 'tokens', shape: [ctx.inputLength], dtype: 'int32' }],
    nodes,
    outputs: [previous],
  };
}
