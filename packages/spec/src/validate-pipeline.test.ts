import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SeqpipeError, type Issue } from '@seqpipe/errors';
import { applyDefaults } from './apply-defaults.js';
import { loadPipeline } from './load-pipeline.js';
import { migratePipeline } from './migrate-pipeline.js';
import { safeValidatePipeline, validatePipeline } from './validate-pipeline.js';

const exampleText = readFileSync(
  new URL('../fixtures/sentiment-rnn.json', import.meta.url),
  'utf8',
);
const example = JSON.parse(exampleText) as Record<string, unknown> & {
  model: { layers: Array<Record<string, unknown>> };
  train: Record<string, unknown>;
  data: Record<string, unknown> & { split: Record<string, unknown> };
};

/** A fresh copy of the example to break. */
const broken = (): typeof example => structuredClone(example);

function issuesOf(doc: unknown): Issue[] {
  const result = safeValidatePipeline(applyDefaults(migratePipeline(doc)));
  if (result.ok) throw new Error('expected the pipeline to be invalid');
  return result.issues;
}

const paths = (issues: Issue[]): string[] => issues.map((issue) => issue.path);

describe('validatePipeline', () => {
  it('accepts the example and returns it with every default', () => {
    const pipeline = loadPipeline(exampleText, 'pipelines/sentiment-rnn.json');
    expect(pipeline.version).toBe(1);
    expect(pipeline.data.split).toEqual({ validation: 0.2, test: 0, shuffle: true });
    expect(pipeline.preprocess.maxLen).toBe(10);
    expect(pipeline.backend).toEqual({ type: 'wasm', threads: 'auto', simd: true });
    expect(pipeline.model.type === 'classifier' && pipeline.model.layers[1]).toEqual({
      type: 'simpleRnn',
      units: 32,
      returnSequences: false,
      activation: 'tanh',
      dropout: 0,
      recurrentDropout: 0,
    });
  });

  it('reports all three mistakes of a pipeline at once, with paths and hints', () => {
    const doc = broken();
    (doc.model.layers[1] as Record<string, unknown>)['type'] = 'lstn';
    doc.train['epoch'] = 5;
    doc.data.split['test'] = 0.9;
    let caught: unknown;
    try {
      loadPipeline(JSON.stringify(doc), 'pipelines/sentiment-rnn.json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SeqpipeError);
    const error = caught as SeqpipeError;
    expect(error.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(error.file).toBe('pipelines/sentiment-rnn.json');
    expect(error.issues).toEqual([
      {
        path: '/model/layers/1/type',
        message: 'unknown layer "lstn"',
        expected:
          'one of embedding, simpleRnn, lstm, gru, bidirectional, dropout, dense, globalAveragePooling1d, globalMaxPooling1d, oneHot, concatenate',
        received: '"lstn"',
        hint: 'did you mean "lstm"?',
      },
      {
        path: '/train/epoch',
        message: 'unknown property "epoch"',
        expected:
          'one of optimizer, loss, epochs, batchSize, earlyStopping, reduceLrOnPlateau, classWeight, clipNorm, clipValue, maxMinutes, checkpoint',
        hint: 'did you mean "epochs"?',
      },
      {
        path: '/data/split',
        message: 'validation + test leaves nothing to train on',
        expected: 'validation + test < 1',
        received: '0.2 + 0.9 = 1.1',
        hint: 'lower data.split.validation or data.split.test (e.g. 0.2 and 0.1)',
      },
    ]);
    expect(error.message).toBe(
      [
        'pipelines/sentiment-rnn.json is invalid (3 problems):',
        '  - /model/layers/1/type: unknown layer "lstn"; expected one of embedding, simpleRnn, lstm, gru, bidirectional, dropout, dense, globalAveragePooling1d, globalMaxPooling1d, oneHot, concatenate; received "lstn" (did you mean "lstm"?)',
        '  - /train/epoch: unknown property "epoch"; expected one of optimizer, loss, epochs, batchSize, earlyStopping, reduceLrOnPlateau, classWeight, clipNorm, clipValue, maxMinutes, checkpoint (did you mean "epochs"?)',
        '  - /data/split: validation + test leaves nothing to train on; expected validation + test < 1; received 0.2 + 0.9 = 1.1 (lower data.split.validation or data.split.test (e.g. 0.2 and 0.1))',
      ].join('\n'),
    );
  });

  it('reports one issue for a layer with a wrong type, not one per union branch', () => {
    const doc = broken();
    doc.model.layers[1] = { type: 'LSTM', units: 'many' };
    expect(issuesOf(doc)).toEqual([
      expect.objectContaining({
        path: '/model/layers/1/type',
        message: 'unknown layer "LSTM"',
        hint: 'did you mean "lstm"?',
      }),
    ]);
  });

  it('reports problems inside the selected layer branch only', () => {
    const doc = broken();
    doc.model.layers[1] = { type: 'gru', units: 0, resetAfter: true, returnSequence: false };
    expect(issuesOf(doc)).toEqual([
      {
        path: '/model/layers/1/returnSequence',
        message: 'unknown property "returnSequence"',
        expected: expect.stringContaining('returnSequences') as string,
        hint: 'did you mean "returnSequences"?',
      },
      {
        path: '/model/layers/1/units',
        message: 'must be >= 1',
        expected: 'an integer >= 1',
        received: '0',
      },
      {
        path: '/model/layers/1/resetAfter',
        message: 'must be equal to constant',
        expected: 'false',
        received: 'true',
      },
    ]);
  });

  it('suggests enum values, names missing properties and collapses anyOf', () => {
    const doc = broken();
    doc['task'] = 'binary';
    delete doc.data['input'];
    (doc['backend'] as Record<string, unknown>)['threads'] = 0;
    (doc['preprocess'] as Record<string, unknown>)['padding'] = 'Post';
    doc['name'] = 'Sentiment RNN';
    const issues = issuesOf(doc);
    expect(issues).toEqual([
      {
        path: '/name',
        message: 'does not match ^[a-z0-9][a-z0-9-]*$',
        expected: 'a string matching ^[a-z0-9][a-z0-9-]*$',
        received: '"Sentiment RNN"',
        hint: expect.stringContaining('lowercase letters') as string,
      },
      expect.objectContaining({
        path: '/task',
        message: 'unknown task "binary"',
        hint: 'did you mean "binaryClassification"?',
      }),
      expect.objectContaining({
        path: '/data/input',
        message: 'missing required property "input"',
        expected: 'a string or an integer >= 0',
      }),
      expect.objectContaining({
        path: '/preprocess/padding',
        message: 'unknown padding "Post"',
        hint: 'did you mean "post"?',
      }),
      {
        path: '/backend/threads',
        message: 'must be "auto" or an integer >= 1',
        expected: '"auto" or an integer >= 1',
        received: '0',
      },
    ]);
  });

  it('requires maxLen for classification and names a missing layer type', () => {
    const doc = broken();
    delete (doc['preprocess'] as Record<string, unknown>)['maxLen'];
    doc.model.layers[1] = { units: 4 };
    expect(issuesOf(doc)).toEqual([
      expect.objectContaining({
        path: '/preprocess/maxLen',
        message: 'missing required property "maxLen"',
      }),
      {
        path: '/model/layers/1/type',
        message: 'missing "type" (which layer)',
        expected: expect.stringMatching(/^one of embedding, simpleRnn/) as string,
      },
    ]);
  });

  it('explains the output layer a binary classifier needs', () => {
    const doc = broken();
    doc.model.layers[2] = { type: 'dense', units: 2, activation: 'softmax' };
    const issues = issuesOf(doc);
    expect(paths(issues)).toEqual(['/model/layers/2/units', '/model/layers/2/activation']);
    expect(issues[0]?.hint).toContain('{ "type": "dense", "units": 1, "activation": "sigmoid" }');
    expect(issues[1]).toMatchObject({ expected: '"sigmoid"', received: '"softmax"' });
  });

  it('asks for returnSequences on a recurrent layer followed by another one', () => {
    const doc = broken();
    doc.model.layers.splice(
      1,
      1,
      { type: 'lstm', units: 8 },
      { type: 'bidirectional', layer: { type: 'gru', units: 4 } },
    );
    expect(issuesOf(doc)).toEqual([
      {
        path: '/model/layers/1/returnSequences',
        message:
          'bidirectional at /model/layers/2 needs the whole sequence, but this lstm layer returns only its last state',
        expected: 'true',
        received: 'false',
        hint: 'set "returnSequences": true on /model/layers/1 (stacked recurrent and pooling layers read every time step)',
      },
    ]);
  });

  it('checks wiring: embedding first, pooling on sequences, sequence outputs, masks', () => {
    const noEmbedding = broken();
    noEmbedding.model.layers.shift();
    expect(issuesOf(noEmbedding)).toEqual([
      expect.objectContaining({
        path: '/model/layers/0/type',
        message: 'simpleRnn is applied to raw token ids',
      }),
    ]);

    const sequenceOut = broken();
    sequenceOut.model.layers[1] = { type: 'simpleRnn', units: 4, returnSequences: true };
    expect(issuesOf(sequenceOut)).toEqual([
      expect.objectContaining({
        path: '/model/layers/2',
        hint: expect.stringContaining('globalMaxPooling1d') as string,
      }),
    ]);

    const masked = broken();
    masked.model.layers[0] = { type: 'embedding', outputDim: 8, maskZero: true };
    masked.model.layers[1] = { type: 'globalAveragePooling1d' };
    expect(issuesOf(masked)).toEqual([
      expect.objectContaining({ path: '/model/layers/0/maskZero', expected: 'false' }),
    ]);
  });

  it('checks the loss against the task, unique names and embedding size', () => {
    const doc = broken();
    doc.train['loss'] = 'categoricalCrossentropy';
    doc.model.layers[0] = { type: 'embedding', outputDim: 8, inputDim: 100, name: 'x' };
    doc.model.layers[2] = { type: 'dense', units: 1, activation: 'sigmoid', name: 'x' };
    expect(issuesOf(doc)).toEqual([
      expect.objectContaining({
        path: '/model/layers/2/name',
        message: 'duplicate layer name "x"',
      }),
      expect.objectContaining({
        path: '/model/layers/0/inputDim',
        expected: 'at least 500',
        received: '100',
      }),
      expect.objectContaining({
        path: '/train/loss',
        hint: 'use binaryCrossentropy (or remove "loss": it defaults from the task)',
      }),
    ]);
  });

  it('checks graph references, single inputs and cycles', () => {
    const doc = broken();
    (doc as Record<string, unknown>)['model'] = {
      type: 'graph',
      inputs: [{ name: 'tokens', shape: [10] }],
      nodes: [
        { name: 'emb', layer: { type: 'embedding', outputDim: 8 }, inputs: ['tokenz'] },
        { name: 'a', layer: { type: 'dense', units: 2 }, inputs: ['b'] },
        { name: 'b', layer: { type: 'dense', units: 2 }, inputs: ['a'] },
        {
          name: 'out',
          layer: { type: 'dense', units: 1, activation: 'sigmoid' },
          inputs: ['emb', 'a'],
        },
      ],
      outputs: ['out', 'nope'],
    };
    const issues = issuesOf(doc);
    expect(paths(issues)).toEqual([
      '/model/nodes/0/inputs/0',
      '/model/nodes/3/inputs',
      '/model/nodes/1/inputs',
      '/model/nodes/2/inputs',
      '/model/outputs/1',
    ]);
    expect(issues[0]?.hint).toBe('did you mean "tokens"?');
    expect(issues[1]?.message).toBe('a dense layer takes exactly one input');
    expect(issues[2]?.message).toBe('node "a" is part of a cycle');
  });

  it('accepts a valid graph model (nodes in any order)', () => {
    const doc = broken();
    (doc as Record<string, unknown>)['model'] = {
      type: 'graph',
      inputs: [{ name: 'tokens', shape: [10] }],
      nodes: [
        {
          name: 'out',
          layer: { type: 'dense', units: 1, activation: 'sigmoid' },
          inputs: ['pool'],
        },
        { name: 'emb', layer: { type: 'embedding', outputDim: 8 }, inputs: ['tokens'] },
        { name: 'pool', layer: { type: 'globalMaxPooling1d' }, inputs: ['emb'] },
      ],
      outputs: ['out'],
    };
    expect(safeValidatePipeline(applyDefaults(doc)).ok).toBe(true);
  });

  it('validates without throwing through safeValidatePipeline, and throws SEQPIPE_SPEC_INVALID otherwise', () => {
    expect(safeValidatePipeline(42)).toEqual({
      ok: false,
      issues: [{ path: '', message: 'must be an object', expected: 'an object', received: '42' }],
    });
    expect(() => validatePipeline({}, { file: 'p.json' })).toThrow(
      /^p\.json is invalid \(4 problems\):\n {2}- \/name: missing required property "name"/,
    );
  });
});
