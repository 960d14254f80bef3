import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import { applyDefaults } from './apply-defaults.js';
import { compileModel } from './compile-model.js';
import { createOptimizer } from './create-optimizer.js';
import { loadPipeline } from './load-pipeline.js';
import { lowerToGraph } from './lower-to-graph.js';
import { modelSummary, totalParams } from './model-summary.js';
import type { CompileContext, LayerSpec, ModelSpec, Pipeline, Task } from './pipeline-types.js';
import { validatePipeline } from './validate-pipeline.js';

const exampleText = readFileSync(
  new URL('../fixtures/sentiment-rnn.json', import.meta.url),
  'utf8',
);
const ctx: CompileContext = { vocabSize: 500, inputLength: 10, numClasses: 2, seed: 42 };

/** The example pipeline with another model (and task). */
function pipelineWith(
  model: ModelSpec | { layers: LayerSpec[] },
  task: Task = 'binaryClassification',
): Pipeline {
  const doc = JSON.parse(exampleText) as Record<string, unknown>;
  const train = doc['train'] as Record<string, unknown>;
  if (task !== 'binaryClassification') delete train['loss'];
  return validatePipeline(applyDefaults({ ...doc, task, model }));
}

const classifier = (...middle: LayerSpec[]): { layers: LayerSpec[] } => ({
  layers: [
    { type: 'embedding', outputDim: 16 },
    ...middle,
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ],
});

const tokens = (): tf.Tensor2D =>
  tf.tensor2d(
    [
      [1, 2, 3, 4, 5, 0, 0, 0, 0, 0],
      [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      [499, 1, 1, 2, 0, 0, 0, 0, 0, 0],
    ],
    undefined,
    'int32',
  );

async function weightsOf(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

const models: tfl.LayersModel[] = [];
function compile(pipeline: Pipeline, context: CompileContext = ctx): tfl.LayersModel {
  const model = compileModel(pipeline, context);
  models.push(model);
  return model;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
});

describe('compileModel', () => {
  it('compiles the sentiment-rnn example with Keras parameter counts', async () => {
    const model = compile(loadPipeline(exampleText));
    expect(modelSummary(model)).toEqual([
      { name: 'tokens', type: 'InputLayer', outputShape: '[null,10]', params: 0 },
      { name: 'embedding', type: 'Embedding', outputShape: '[null,10,16]', params: 500 * 16 },
      {
        name: 'simple_rnn',
        type: 'SimpleRNN',
        outputShape: '[null,32]',
        params: 16 * 32 + 32 * 32 + 32,
      },
      { name: 'dense', type: 'Dense', outputShape: '[null,1]', params: 33 },
    ]);
    expect(totalParams(model)).toBe(9601);
    expect(model.outputs[0]?.shape).toEqual([null, 1]);
    expect(model.name).toBe('sentiment-rnn');

    const x = tokens();
    const prediction = model.predict(x) as tf.Tensor;
    expect(prediction.shape).toEqual([3, 1]);
    for (const p of await prediction.data()) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    const y = tf.tensor2d([[1], [0], [1]]);
    const [loss, accuracy] = (await model.trainOnBatch(x, y)) as number[];
    expect(loss).toBeGreaterThan(0);
    expect([0, 1 / 3, 2 / 3, 1].some((a) => Math.abs(a - (accuracy as number)) < 1e-6)).toBe(true);
    const evaluated = model.evaluate(x, y) as tf.Scalar[];
    expect(evaluated).toHaveLength(2);
    tf.dispose([x, y, prediction, ...evaluated]);
  });

  it.each<[string, LayerSpec[], number[], string]>([
    ['lstm', [{ type: 'lstm', units: 8 }], [4 * (16 * 8 + 8 * 8 + 8)], '[null,8]'],
    // tfjs GRU is Keras reset_after=False: 3 * (in*u + u*u + u); TF2 Keras (reset_after=True) has 3*u more.
    ['gru', [{ type: 'gru', units: 8 }], [3 * (16 * 8 + 8 * 8 + 8)], '[null,8]'],
    [
      'bidirectional lstm',
      [{ type: 'bidirectional', layer: { type: 'lstm', units: 8 } }],
      [2 * 4 * (16 * 8 + 8 * 8 + 8)],
      '[null,16]',
    ],
    [
      'bidirectional gru, sum',
      [{ type: 'bidirectional', layer: { type: 'gru', units: 8 }, mergeMode: 'sum' }],
      [2 * 3 * (16 * 8 + 8 * 8 + 8)],
      '[null,8]',
    ],
    [
      'stacked lstm -> gru with dropout',
      [
        { type: 'lstm', units: 8, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 },
        { type: 'dropout', rate: 0.3 },
        { type: 'gru', units: 4 },
      ],
      [4 * (16 * 8 + 8 * 8 + 8), 0, 3 * (8 * 4 + 4 * 4 + 4)],
      '[null,4]',
    ],
    [
      'pooling + dense',
      [{ type: 'globalAveragePooling1d' }, { type: 'dense', units: 6, activation: 'relu' }],
      [0, 16 * 6 + 6],
      '[null,6]',
    ],
    [
      'simpleRnn sequences + max pooling',
      [{ type: 'simpleRnn', units: 4, returnSequences: true }, { type: 'globalMaxPooling1d' }],
      [16 * 4 + 4 * 4 + 4, 0],
      '[null,4]',
    ],
  ])(
    'compiles %s with the expected parameters and predicts one probability per example',
    async (_name, middle, params, beforeOutput) => {
      const model = compile(pipelineWith(classifier(...middle)));
      const summary = modelSummary(model);
      expect(summary.slice(2, -1).map((row) => row.params)).toEqual(params);
      expect(summary.at(-2)?.outputShape).toBe(beforeOutput);
      const x = tokens();
      const prediction = model.predict(x) as tf.Tensor;
      expect(prediction.shape).toEqual([3, 1]);
      const y = tf.tensor2d([[1], [0], [1]]);
      const [loss] = (await model.trainOnBatch(x, y)) as number[];
      expect(Number.isFinite(loss)).toBe(true);
      tf.dispose([x, y, prediction]);
    },
  );

  it('compiles a multiclass softmax classifier (sparse labels) and a graph model', async () => {
    const multi = compile(
      pipelineWith(
        {
          layers: [
            { type: 'embedding', outputDim: 8 },
            { type: 'gru', units: 4 },
            { type: 'dense', units: 3, activation: 'softmax' },
          ],
        },
        'multiclassClassification',
      ),
      { ...ctx, numClasses: 3 },
    );
    const x = tokens();
    const probabilities = multi.predict(x) as tf.Tensor;
    expect(probabilities.shape).toEqual([3, 3]);
    const sums = tf.tidy(() => tf.sum(probabilities, 1).arraySync() as number[]);
    for (const sum of sums) expect(sum).toBeCloseTo(1, 5);
    const labels = tf.tensor2d([[0], [2], [1]]);
    const [loss, accuracy] = (await multi.trainOnBatch(x, labels)) as number[];
    expect(loss).toBeCloseTo(Math.log(3), 0);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    labels.dispose();

    const graph = compile(
      pipelineWith({
        type: 'graph',
        inputs: [{ name: 'ids', shape: [10], dtype: 'int32' }],
        nodes: [
          {
            name: 'out',
            layer: { type: 'dense', units: 1, activation: 'sigmoid' },
            inputs: ['pool'],
          },
          {
            name: 'emb',
            layer: { type: 'embedding', outputDim: 8, inputDim: 600 },
            inputs: ['ids'],
          },
          { name: 'pool', layer: { type: 'globalMaxPooling1d' }, inputs: ['emb'] },
        ],
        outputs: ['out'],
      }),
    );
    expect(modelSummary(graph).map((row) => [row.name, row.params])).toEqual([
      ['ids', 0],
      ['emb', 600 * 8],
      ['pool', 0],
      ['out', 9],
    ]);
    const prediction = graph.predict(x) as tf.Tensor;
    expect(prediction.shape).toEqual([3, 1]);
    tf.dispose([x, probabilities, prediction]);
  });

  it('compiles a hand-written graph wired with returnState outputs, initialState and concatenate', () => {
    const wired = (stateRef: string): ModelSpec => ({
      type: 'graph',
      inputs: [{ name: 'tokens', shape: [10], dtype: 'int32' }],
      nodes: [
        { name: 'emb', layer: { type: 'embedding', outputDim: 8 }, inputs: ['tokens'] },
        { name: 'enc', layer: { type: 'lstm', units: 4, returnState: true }, inputs: ['emb'] },
        {
          name: 'dec',
          layer: { type: 'lstm', units: 4 },
          inputs: ['emb'],
          initialState: ['enc:1', stateRef],
        },
        { name: 'both', layer: { type: 'concatenate' }, inputs: ['enc:0', 'dec'] },
        {
          name: 'out',
          layer: { type: 'dense', units: 1, activation: 'sigmoid' },
          inputs: ['both'],
        },
      ],
      outputs: ['out'],
    });
    const model = compile(pipelineWith(wired('enc:2')));
    expect(model.outputs[0]?.shape).toEqual([null, 1]);
    // emb 500*8; two LSTMs 4*4*(8+4+1); dense over the concatenated 4+4 states.
    expect(totalParams(model)).toBe(500 * 8 + 2 * 4 * 4 * (8 + 4 + 1) + (8 + 1));

    let issues: readonly { path: string }[] = [];
    try {
      pipelineWith(wired('nope:2'));
    } catch (error) {
      issues = (error as SeqpipeError).issues;
    }
    expect(issues.map((issue) => issue.path)).toEqual(['/model/nodes/2/initialState/1']);
  });

  it('round-trips through tfjs save/load (stock loadLayersModel) with the same predictions', async () => {
    const model = compile(
      pipelineWith(
        classifier(
          { type: 'bidirectional', layer: { type: 'gru', units: 4, returnSequences: true } },
          { type: 'lstm', units: 4 },
        ),
      ),
    );
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    models.push(loaded);
    const x = tokens();
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    const topology = JSON.stringify(saved?.modelTopology);
    expect(topology).toContain('"recurrent_activation":"sigmoid"');
    expect(topology).toContain('"class_name":"Orthogonal"');
    tf.dispose([x, a, b]);
  });

  it('uses TF2 Keras gate defaults: sigmoid recurrent activation, forget-gate bias 1', async () => {
    const model = compile(pipelineWith(classifier({ type: 'lstm', units: 2 })));
    const lstm = model.getLayer('lstm');
    expect(lstm.getConfig()['recurrentActivation']).toBe('sigmoid');
    expect(lstm.getConfig()['unitForgetBias']).toBe(true);
    const bias = lstm.getWeights()[2] as tf.Tensor;
    expect(Array.from(await bias.data())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('builds bit-identical initial weights for the same seed and different ones for another seed', async () => {
    const pipeline = pipelineWith(
      classifier(
        { type: 'bidirectional', layer: { type: 'lstm', units: 4, returnSequences: true } },
        { type: 'gru', units: 4 },
        { type: 'dropout', rate: 0.5 },
      ),
    );
    const first = await weightsOf(compile(pipeline));
    const second = await weightsOf(compile(pipeline));
    const other = await weightsOf(compile(pipeline, { ...ctx, seed: 43 }));
    expect(second).toEqual(first);
    // Every randomly initialized weight (all but the zero/forget-gate biases) changes with the seed.
    const random = first
      .map((w, i) => [w, other[i] as Float32Array] as const)
      .filter(([w]) => new Set(w).size > 2);
    expect(random).toHaveLength(1 + 2 * 2 + 2 + 1); // embedding, fwd+bwd (kernel, recurrent), gru (kernel, recurrent), dense kernel
    for (const [a, b] of random) expect(a).not.toEqual(b);
    // forward and backward directions start from different weights
    expect(first[1]).not.toEqual(first[4]);
  });

  it('keeps training reproducible with dropout: same seed, same weights after steps', async () => {
    const pipeline = pipelineWith(
      classifier(
        { type: 'lstm', units: 4, dropout: 0.3, recurrentDropout: 0.3, returnSequences: true },
        { type: 'globalMaxPooling1d' },
        { type: 'dropout', rate: 0.5 },
      ),
    );
    const trained = async (): Promise<Float32Array[]> => {
      const model = compile(pipeline);
      const x = tokens();
      const y = tf.tensor2d([[1], [0], [1]]);
      for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      return weightsOf(model);
    };
    expect(await trained()).toEqual(await trained());
  });

  it('releases every tensor on dispose, also after training, and predicts without leaking', async () => {
    const pipeline = pipelineWith(
      classifier(
        {
          type: 'bidirectional',
          layer: { type: 'lstm', units: 4, dropout: 0.2, recurrentDropout: 0.2 },
        },
        { type: 'dropout', rate: 0.2 },
      ),
    );
    const before = tf.memory().numTensors;
    const model = compileModel(pipeline, ctx);
    const x = tokens();
    const y = tf.tensor2d([[1], [0], [1]]);
    await model.trainOnBatch(x, y);
    tf.dispose(model.predict(x));
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(model.predict(x));
    expect(tf.memory().numTensors).toBe(warm);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects data that does not fit the model with SEQPIPE_SPEC_COMPILE', () => {
    const multi = pipelineWith(
      {
        layers: [
          { type: 'embedding', outputDim: 8 },
          { type: 'gru', units: 4 },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
      },
      'multiclassClassification',
    );
    const error = captureError(() => compileModel(multi, { ...ctx, numClasses: 4 }));
    expect(error.code).toBe('SEQPIPE_SPEC_COMPILE');
    expect(error.issues[0]).toMatchObject({
      path: '/model/layers/2/units',
      hint: 'set "units": 4, one per label',
    });
    expect(
      captureError(() => compileModel(loadPipeline(exampleText), { ...ctx, numClasses: 3 }))
        .issues[0]?.path,
    ).toBe('/task');
    expect(
      captureError(() => compileModel(loadPipeline(exampleText), { ...ctx, vocabSize: 0 })).message,
    ).toContain('vocabSize must be a positive integer');
  });
});

function captureError(run: () => unknown): SeqpipeError {
  try {
    run();
  } catch (error) {
    if (error instanceof SeqpipeError) return error;
    throw error;
  }
  throw new Error('expected a SeqpipeError');
}

describe('lowerToGraph', () => {
  it('turns a classifier into a chain from an int32 tokens input, with Keras-style names', () => {
    const graph = lowerToGraph(
      {
        type: 'classifier',
        layers: [
          { type: 'embedding', outputDim: 4 },
          { type: 'dense', units: 3, name: 'dense_1' },
          { type: 'dense', units: 2 },
          { type: 'globalMaxPooling1d' },
          { type: 'dense', units: 1 },
        ],
      },
      { inputLength: 7 },
    );
    expect(graph.inputs).toEqual([{ name: 'tokens', shape: [7], dtype: 'int32' }]);
    expect(graph.nodes.map((node) => [node.name, node.inputs])).toEqual([
      ['embedding', ['tokens']],
      ['dense_1', ['embedding']],
      ['dense', ['dense_1']],
      ['global_max_pooling1d', ['dense']],
      ['dense_2', ['global_max_pooling1d']],
    ]);
    expect(graph.outputs).toEqual(['dense_2']);
  });

  it('returns a graph model as a copy', () => {
    const model: ModelSpec = {
      type: 'graph',
      inputs: [{ name: 'a', shape: [3] }],
      nodes: [],
      outputs: ['a'],
    };
    const lowered = lowerToGraph(model, { inputLength: 3 });
    expect(lowered).toEqual(model);
    expect(lowered).not.toBe(model);
  });
});

describe('createOptimizer', () => {
  it('creates each optimizer with its learning rate', () => {
    const adam = createOptimizer({ type: 'adam', learningRate: 0.002 });
    expect(adam.getClassName()).toBe('Adam');
    expect(adam.getConfig()['learningRate']).toBe(0.002);
    expect(createOptimizer({ type: 'sgd', learningRate: 0.01 }).getClassName()).toBe('SGD');
    expect(createOptimizer({ type: 'rmsprop', learningRate: 0.001 }).getClassName()).toBe(
      'RMSProp',
    );
    expect(createOptimizer({ type: 'adagrad', learningRate: 0.001 }).getClassName()).toBe(
      'Adagrad',
    );
    adam.dispose();
  });
});
