/**
 * JSON Schema of `manifest.json`. The validator the runtime runs is generated from it at build
 * time (`npm run build:validators -w @seqpipe/runtime` -> src/manifest-validator.generated.js,
 * ajv standalone code): edge runtimes forbid `new Function`, which ajv's runtime compile uses.
 */
export const SHA256_PATTERN = '^[0-9a-f]{64}$';

const sha256 = { type: 'string', pattern: SHA256_PATTERN } as const;
const count = { type: 'number', minimum: 0 } as const;
const fileDigest = {
  type: 'object',
  required: ['sha256', 'bytes'],
  properties: { sha256, bytes: count },
} as const;

export const manifestSchema = {
  $id: 'https://seqpipe.dev/schemas/artifact-manifest-1.json',
  type: 'object',
  required: [
    'formatVersion',
    'name',
    'task',
    'pipelineHash',
    'createdAt',
    'preprocess',
    'labels',
    'threshold',
    'backend',
    'training',
    'metrics',
    'files',
  ],
  properties: {
    formatVersion: { const: 1 },
    name: { type: 'string' },
    task: { enum: ['binaryClassification', 'multiclassClassification'] },
    pipelineHash: sha256,
    createdAt: { type: 'string' },
    preprocess: {
      type: 'object',
      required: ['maxLen', 'padding', 'truncating'],
      properties: {
        maxLen: { type: 'integer', minimum: 1 },
        padding: { enum: ['pre', 'post'] },
        truncating: { enum: ['pre', 'post'] },
        clean: {
          type: 'object',
          additionalProperties: false,
          properties: {
            stripHtml: { type: 'boolean' },
            lower: { type: 'boolean' },
            filters: { type: 'string' },
            collapseWhitespace: { type: 'boolean' },
          },
        },
      },
    },
    labels: { type: 'array', minItems: 2, items: { type: 'string' } },
    threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    backend: {
      type: 'object',
      required: ['backend', 'simd', 'threads'],
      properties: {
        backend: { type: 'string' },
        simd: { type: 'boolean' },
        threads: { type: 'integer', minimum: 1 },
      },
    },
    training: {
      type: 'object',
      required: ['seed', 'epochs', 'seconds', 'trainSize', 'validationSize'],
      properties: {
        seed: { type: 'integer' },
        epochs: count,
        seconds: count,
        trainSize: count,
        validationSize: count,
      },
    },
    metrics: { type: 'object', additionalProperties: count },
    files: {
      type: 'object',
      required: ['tokenizer.json', 'model.json', 'weights.bin'],
      properties: {
        'tokenizer.json': fileDigest,
        'model.json': fileDigest,
        'weights.bin': fileDigest,
      },
      additionalProperties: fileDigest,
    },
  },
} as const;
