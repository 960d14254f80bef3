import { describe, expect, it } from 'vitest';
import { isSeqpipeError } from '@seqpipe/errors';
import { parseManifest } from './manifest.js';

const sha = 'a'.repeat(64);
const valid = {
  formatVersion: 1,
  name: 'sentiment-rnn',
  task: 'binaryClassification',
  pipelineHash: sha,
  createdAt: '2026-11-23T00:00:00.000Z',
  preprocess: { maxLen: 10, padding: 'post', truncating: 'post' },
  labels: ['negative', 'positive'],
  threshold: 0.5,
  backend: { backend: 'wasm', simd: true, threads: 2 },
  training: { seed: 42, epochs: 30, seconds: 3.2, trainSize: 64, validationSize: 16 },
  metrics: { loss: 0.1, accuracy: 1 },
  files: {
    'tokenizer.json': { sha256: sha, bytes: 10 },
    'model.json': { sha256: sha, bytes: 10 },
    'weights.bin': { sha256: sha, bytes: 10 },
  },
};

function issuesOf(doc: unknown): string[] {
  try {
    parseManifest(JSON.stringify(doc));
  } catch (error) {
    if (isSeqpipeError(error)) return error.issues.map((i) => i.path);
    throw error;
  }
  return [];
}

describe('parseManifest', () => {
  it('accepts a complete manifest', () => {
    expect(parseManifest(JSON.stringify(valid)).labels).toEqual(['negative', 'positive']);
  });

  it('reports every problem with its JSON Pointer', () => {
    const broken = {
      ...valid,
      formatVersion: 2,
      preprocess: { ...valid.preprocess, padding: 'middle' },
      labels: ['only-one'],
      files: { 'model.json': { sha256: 'nope', bytes: 1 } },
    };
    expect(issuesOf(broken)).toEqual([
      '/formatVersion',
      '/preprocess/padding',
      '/labels',
      '/files/tokenizer.json',
      '/files/weights.bin',
      '/files/model.json/sha256',
    ]);
  });

  it('names the file when the JSON is corrupt', () => {
    expect(() => parseManifest('{"formatVersion": 1,', 'artifacts/x/manifest.json')).toThrow(
      /artifacts\/x\/manifest.json is not valid JSON/,
    );
  });
});
