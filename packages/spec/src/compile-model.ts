import type * as tfl from '@tensorflow/tfjs-layers';
import { fuseLoss } from '@seqpipe/backend';
import { SeqpipeError } from '@seqpipe/errors';
import { createOptimizer } from './create-optimizer.js';
import { compileEncoderDecoder } from './encoder-decoder.js';
import { buildSharedGraphModel } from './graph-builder.js';
import { lowerToGraph } from './lower-to-graph.js';
import type { CompileContext, GraphModelSpec, Pipeline } from './pipeline-types.js';

function compileError(message: string, path: string, hint: string, cause?: unknown): SeqpipeError {
  return new SeqpipeError('SEQPIPE_SPEC_COMPILE', `${path}: ${message} (${hint})`, {
    issues: [{ path, message, hint }],
    ...(cause === undefined ? {} : { cause }),
  });
}

function checkContext(ctx: CompileContext): void {
  for (const key of ['vocabSize', 'inputLength', 'numClasses'] as const) {
    if (!Number.isInteger(ctx[key]) || ctx[key] < 1) {
      throw compileError(
        `compile context ${key} must be a positive integer, got ${ctx[key]}`,
        '',
        'pass the sizes measured on the data',
      );
    }
  }
  if (!Number.isInteger(ctx.seed))
    throw compileError(
      `compile context seed must be an integer, got ${ctx.seed}`,
      '/seed',
      'use the pipeline seed',
    );
}

/** The output units a task needs from the data: 1 for binary, one per class for multiclass. */
function checkOutputUnits(pipeline: Pipeline, graph: GraphModelSpec, ctx: CompileContext): void {
  const task = pipeline.task;
  if (task === 'binaryClassification' && ctx.numClasses !== 2) {
    throw compileError(
      `binaryClassification needs exactly 2 classes, the data has ${ctx.numClasses}`,
      '/task',
      ctx.numClasses > 2
        ? 'use "task": "multiclassClassification" with a softmax output'
        : 'the data needs examples of both classes',
    );
  }
  if (task !== 'multiclassClassification') return;
  for (const output of graph.outputs) {
    const index = graph.nodes.findIndex((node) => node.name === output);
    const layer = graph.nodes[index]?.layer;
    if (layer?.type === 'dense' && layer.units !== ctx.numClasses) {
      const path =
        pipeline.model.type === 'classifier'
          ? `/model/layers/${index}/units`
          : `/model/nodes/${index}/layer/units`;
      throw compileError(
        `the output layer has ${layer.units} units but the data has ${ctx.numClasses} classes`,
        path,
        `set "units": ${ctx.numClasses}, one per label`,
      );
    }
  }
}

/**
 * Builds (not compiles) the tfjs functional model of a graph. Layer seeds come from
 * `deriveSeed(ctx.seed, nodeName, role)`: the same seed builds bit-identical initial weights.
 * The one graph builder (`buildSharedGraphModel`) also serves encoder-decoders, so `node:k`
 * references, `initialState` and merging layers work in hand-written graphs too.
 */
export function buildGraphModel(
  graph: GraphModelSpec,
  ctx: CompileContext,
  name?: string,
): tfl.LayersModel {
  return buildSharedGraphModel(graph, ctx, new Map(), name);
}

/**
 * Compile stage: the pipeline's model as a compiled tfjs LayersModel (optimizer from
 * `train.optimizer`, loss `train.loss`, metrics ['accuracy'] which tfjs resolves to binary,
 * sparse-categorical or categorical accuracy from the loss). The model owns its optimizer:
 * `model.dispose()` frees the weights and the optimizer state.
 * Throws SEQPIPE_SPEC_COMPILE when the data does not fit the model (class count) or tfjs
 * rejects the graph.
 */
export function compileModel(pipeline: Pipeline, ctx: CompileContext): tfl.LayersModel {
  checkContext(ctx);
  if (pipeline.model.type === 'encoderDecoder') {
    // the training model alone (vocabSize: source vocabulary, numClasses: target vocabulary);
    // compileEncoderDecoder also gives the inference models sharing its weights
    const models = compileEncoderDecoder(pipeline, {
      inputVocabSize: ctx.vocabSize,
      targetVocabSize: ctx.numClasses,
      seed: ctx.seed,
    });
    models.encoder.dispose();
    models.decoderStep.dispose();
    return models.training;
  }
  const graph = lowerToGraph(pipeline.model, ctx);
  checkOutputUnits(pipeline, graph, ctx);
  const model = buildGraphModel(graph, ctx, pipeline.name);
  model.compile({
    optimizer: createOptimizer(pipeline.train.optimizer),
    loss: pipeline.train.loss,
    metrics: ['accuracy'],
  });
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
  // categoricalCrossentropy as one op (on wasm and cpu); the others stay tfjs-layers'
  return fuseLoss(model);
}
