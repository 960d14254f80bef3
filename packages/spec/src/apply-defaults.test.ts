import { describe, expect, it } from 'vitest';
import { applyDefaults, KERAS_FILTERS } from './apply-defaults.js';
import { pipelineSchema } from './pipeline-schema.js';

const minimal = {
  name: 'tiny',
  task: 'binaryClassification',
  data: { source: { type: 'jsonl', path: 'a.jsonl' }, input: 'text', target: 'label' },
  preprocess: { maxLen: 8 },
  model: {
    layers: [
      { type: 'embedding', outputDim: 4 },
      { type: 'lstm', units: 4 },
      { type: 'dense', units: 1, activation: 'sigmoid' },
    ],
  },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('applyDefaults', () => {
  it('fills every section of a short binary pipeline', () => {
    expect(applyDefaults(minimal)).toEqual({
      ...minimal,
      version: 1,
      seed: 42,
      data: { ...minimal.data, split: { validation: 0.2, test: 0, shuffle: true } },
      preprocess: {
        maxLen: 8,
        type: 'words',
        filters: KERAS_FILTERS,
        lower: true,
        fitOn: 'train',
        split: ' ',
        padding: 'pre',
        truncating: 'pre',
      },
      model: {
        type: 'classifier',
        layers: [
          { type: 'embedding', outputDim: 4, maskZero: false },
          {
            type: 'lstm',
            units: 4,
            returnSequences: false,
            activation: 'tanh',
            dropout: 0,
            recurrentDropout: 0,
            recurrentActivation: 'sigmoid',
          },
          { type: 'dense', units: 1, activation: 'sigmoid' },
        ],
      },
      train: {
        optimizer: { type: 'adam', learningRate: 0.001 },
        loss: 'binaryCrossentropy',
        epochs: 10,
        batchSize: 32,
      },
      evaluate: {
        metrics: ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix'],
        examples: [],
        threshold: 0.5,
      },
      backend: { type: 'wasm', threads: 'auto', simd: true },
    });
  });

  it('is pure: the input is not mutated (deep-frozen input works)', () => {
    const input = deepFreeze(structuredClone(minimal));
    const out = applyDefaults(input) as typeof minimal;
    expect(input).toEqual(minimal);
    expect(out.model).not.toBe(input.model);
  });

  it('derives loss and learning rate from task and optimizer, keeps explicit values', () => {
    const out = applyDefaults({
      ...minimal,
      task: 'multiclassClassification',
      train: { optimizer: { type: 'sgd' }, epochs: 3 },
      evaluate: { metrics: ['accuracy'] },
    }) as { train: unknown; evaluate: { metrics: unknown } };
    expect(out.train).toEqual({
      optimizer: { type: 'sgd', learningRate: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      epochs: 3,
      batchSize: 32,
    });
    expect(out.evaluate.metrics).toEqual(['accuracy']);
  });

  it('fills csv/tsv header defaults, graph input dtype and nested bidirectional layers', () => {
    const csv = applyDefaults({
      ...minimal,
      data: { ...minimal.data, source: { type: 'csv', path: 'a.csv' } },
    }) as { data: { source: unknown } };
    expect(csv.data.source).toEqual({ type: 'csv', path: 'a.csv', delimiter: ',', header: true });
    const tsv = applyDefaults({
      ...minimal,
      data: { ...minimal.data, source: { type: 'tsv', path: 'a.tsv' } },
    }) as { data: { source: unknown } };
    expect(tsv.data.source).toEqual({ type: 'tsv', path: 'a.tsv', header: false });
    const graph = applyDefaults({
      ...minimal,
      model: {
        type: 'graph',
        inputs: [{ name: 'tokens', shape: [8] }],
        nodes: [
          {
            name: 'bi',
            layer: { type: 'bidirectional', layer: { type: 'gru', units: 2 } },
            inputs: ['tokens'],
          },
        ],
        outputs: ['bi'],
      },
    }) as { model: { inputs: unknown[]; nodes: Array<{ layer: unknown }> } };
    expect(graph.model.inputs[0]).toEqual({ name: 'tokens', shape: [8], dtype: 'int32' });
    expect(graph.model.nodes[0]?.layer).toEqual({
      type: 'bidirectional',
      mergeMode: 'concat',
      layer: {
        type: 'gru',
        units: 2,
        returnSequences: false,
        activation: 'tanh',
        dropout: 0,
        recurrentDropout: 0,
        recurrentActivation: 'sigmoid',
      },
    });
  });

  it('leaves wrong values and non-objects for validation', () => {
    expect(applyDefaults(42)).toBe(42);
    const out = applyDefaults({ ...minimal, train: 'fast', preprocess: [1] }) as Record<
      string,
      unknown
    >;
    expect(out['train']).toBe('fast');
    expect(out['preprocess']).toEqual([1]);
  });

  it('agrees with the defaults the schema advertises to editors', () => {
    const out = applyDefaults(minimal) as Record<string, Record<string, unknown>>;
    const definitions = pipelineSchema['definitions'] as Record<
      string,
      {
        properties: Record<
          string,
          { default?: unknown; properties?: Record<string, { default?: unknown }> }
        >;
      }
    >;
    const properties = pipelineSchema['properties'] as Record<string, { default?: unknown }>;
    expect(out['seed']).toBe(properties['seed']?.default);
    expect(out['version']).toBe(properties['version']?.default);
    for (const section of ['preprocess', 'evaluate', 'backend'] as const) {
      for (const [key, schema] of Object.entries(definitions[section]?.properties ?? {})) {
        if (schema.default !== undefined)
          expect(out[section]?.[key], `${section}.${key}`).toEqual(schema.default);
      }
    }
    for (const [key, schema] of Object.entries(
      definitions['data']?.properties['split']?.properties ?? {},
    )) {
      expect((out['data']?.['split'] as Record<string, unknown>)[key], `split.${key}`).toEqual(
        schema.default,
      );
    }
    const train = definitions['train']?.properties;
    expect(out['train']?.['epochs']).toBe(train?.['epochs']?.default);
    expect(out['train']?.['batchSize']).toBe(train?.['batchSize']?.default);
    expect(out['train']?.['optimizer']).toEqual({
      type: train?.['optimizer']?.properties?.['type']?.default,
      learningRate: train?.['optimizer']?.properties?.['learningRate']?.default,
    });
  });
});
