import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fuseModel } from '@seqpipe/backend';
import { SeqpipeError } from '@seqpipe/errors';
import { deriveSeed } from './derive-seed.js';
import { createLayer } from './layer-registry.js';
import type { CompileContext, GraphModelSpec, GraphNodeSpec } from './pipeline-types.js';
import { parseTensorRef } from './tensor-ref.js';

/** Layers by node name: a second graph built with the same map reuses (shares) those layers. */
export type SharedLayers = Map<string, tfl.layers.Layer>;

function buildError(message: string, cause?: unknown): SeqpipeError {
  return new SeqpipeError('SEQPIPE_SPEC_COMPILE', `/model: ${message} (check the layer wiring)`, {
    issues: [{ path: '/model', message }],
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Nodes in an order where every node comes after its inputs and initial states. */
function orderNodes(graph: GraphModelSpec): GraphNodeSpec[] {
  const ready = new Set(graph.inputs.map((input) => input.name));
  const deps = (node: GraphNodeSpec): string[] =>
    [...node.inputs, ...(node.initialState ?? [])].map((ref) => parseTensorRef(ref).node);
  const order: GraphNodeSpec[] = [];
  let waiting = graph.nodes;
  while (waiting.length > 0) {
    const blocked = waiting.filter((node) => !deps(node).every((name) => ready.has(name)));
    if (blocked.length === waiting.length) {
      const node = waiting[0] as GraphNodeSpec;
      throw buildError(`node "${node.name}" has inputs that are unknown or form a cycle`);
    }
    for (const node of waiting) {
      if (!blocked.includes(node)) {
        order.push(node);
        ready.add(node.name);
      }
    }
    waiting = blocked;
  }
  return order;
}

/**
 * Builds (not compiles) the tfjs functional model of a graph, with what classifier graphs
 * lack: multi-input nodes (`concatenate`), recurrent `initialState` and `returnState` outputs
 * referenced as `node:k`. Layers found in `shared` (by node name) are reused, so several models
 * built with one map share their weights (the seq2seq training and inference models); new
 * layers are added to it. Seeds come from `deriveSeed(ctx.seed, nodeName, role)`.
 */
export function buildSharedGraphModel(
  graph: GraphModelSpec,
  ctx: CompileContext,
  shared: SharedLayers,
  name?: string,
): tfl.LayersModel {
  const outputs = new Map<string, tfl.SymbolicTensor[]>();
  for (const input of graph.inputs) {
    const tensor = tfl.input({
      shape: input.shape,
      dtype: input.dtype ?? 'int32',
      name: input.name,
    });
    outputs.set(input.name, [tensor]);
  }
  const resolve = (ref: string): tfl.SymbolicTensor => {
    const { node, index } = parseTensorRef(ref);
    const tensor = outputs.get(node)?.[index];
    if (tensor === undefined) throw buildError(`unknown tensor "${ref}"`);
    return tensor;
  };
  const created: tfl.layers.Layer[] = [];
  try {
    for (const node of orderNodes(graph)) {
      let layer = shared.get(node.name);
      if (layer === undefined) {
        layer = createLayer(node.layer, {
          name: node.name,
          seed: (role) => deriveSeed(ctx.seed, node.name, role),
          compile: ctx,
        });
        created.push(layer);
        shared.set(node.name, layer);
      }
      const inputs = node.inputs.map(resolve);
      const initialState = node.initialState?.map(resolve);
      const current = layer;
      let output: ReturnType<tfl.layers.Layer['apply']> | undefined;
      // tidy: building weights may leave temporaries (tfjs' LSTM unitForgetBias); variables survive.
      tf.tidy(() => {
        output = current.apply(
          inputs.length === 1 ? (inputs[0] as tfl.SymbolicTensor) : inputs,
          initialState === undefined ? {} : { initialState },
        );
      });
      outputs.set(node.name, (Array.isArray(output) ? output : [output]) as tfl.SymbolicTensor[]);
    }
    // Every layer is fused already (layer-registry); fuseModel also lets an Embedding read only
    // by fused recurrent layers skip gathering its embeddings (the model's layers are its own).
    return fuseModel(
      tfl.model({
        inputs: graph.inputs.map((input) => resolve(input.name)),
        outputs: graph.outputs.map(resolve),
        ...(name === undefined ? {} : { name }),
      }),
      { lazyEmbeddings: true },
    );
  } catch (error) {
    for (const layer of created) {
      try {
        if (layer.built) layer.dispose();
      } catch {
        // already disposed through a shared weight; the original error matters
      }
    }
    if (error instanceof SeqpipeError) throw error;
    throw buildError(
      `tfjs could not build the model: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}
