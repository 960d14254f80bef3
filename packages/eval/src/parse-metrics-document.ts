import type {
  ClassificationMetrics,
  ClassMetrics,
  ConfusionMatrix,
} from './classification-metrics.js';
import type { MetricsDocument } from './metrics-document.js';
import type {
  BackendSummary,
  DataSummary,
  ExamplePrediction,
  History,
  LayerSummary,
  ModelSummary,
  PredictionSet,
  ScoredExample,
} from './report-input.js';
import {
  readArray,
  readBoolean,
  readLiteral,
  readNumber,
  readNumberOrNull,
  readObject,
  readRecord,
  readString,
  type Read,
} from './document-reader.js';
import { parseMetricsFile } from './metrics-file.js';

const HINT = 'Delete the file and run the pipeline again to regenerate it.';

const count = readNumber({ integer: true, min: 0 });
const ratio = readNumber({ min: 0, max: 1 });

const readTimestamp: Read<string> = (reader, value, path) => {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    return reader.fail(path, 'not a timestamp', 'an ISO 8601 date string', value);
  }
  return value;
};

const readClassMetrics: Read<ClassMetrics> = readObject('an object', (r, o, p) => ({
  label: r.field(o, 'label', p, readString),
  precision: r.field(o, 'precision', p, ratio),
  recall: r.field(o, 'recall', p, ratio),
  f1: r.field(o, 'f1', p, ratio),
  support: r.field(o, 'support', p, count),
}));

/** Reads fields in document order, so issues come out in the order a reader meets them. */
const readClassificationMetrics: Read<ClassificationMetrics> = readObject(
  'an object',
  (r, o, p) => {
    const accuracy = r.field(o, 'accuracy', p, ratio);
    const precision = r.field(o, 'precision', p, ratio);
    const recall = r.field(o, 'recall', p, ratio);
    const f1 = r.field(o, 'f1', p, ratio);
    const average = r.field(o, 'average', p, readLiteral(['binary', 'macro'] as const));
    const positiveLabel =
      average === 'binary'
        ? r.field(o, 'positiveLabel', p, readString)
        : r.optionalField(o, 'positiveLabel', p, readString);
    const perClass = r.field(
      o,
      'perClass',
      p,
      readArray(readClassMetrics, 'an array of per-class metrics'),
    );
    const confusionMatrix = r.field(o, 'confusionMatrix', p, readConfusionMatrix);
    const support = r.field(o, 'support', p, count);
    return {
      accuracy,
      precision,
      recall,
      f1,
      average,
      ...(positiveLabel === undefined ? {} : { positiveLabel }),
      perClass,
      confusionMatrix,
      support,
    };
  },
);

const readLayer: Read<LayerSummary> = readObject('an object', (r, o, p) => ({
  name: r.field(o, 'name', p, readString),
  type: r.field(o, 'type', p, readString),
  outputShape: r.field(o, 'outputShape', p, readString),
  params: r.field(o, 'params', p, count),
}));

const readExample: Read<ExamplePrediction> = readObject('an object', (r, o, p) => ({
  text: r.field(o, 'text', p, readString),
  label: r.field(o, 'label', p, readString),
  score: r.field(o, 'score', p, readNumber()),
}));

const readConfusionMatrix: Read<ConfusionMatrix> = readObject('an object', (r, o, p) => {
  const labels = r.field(o, 'labels', p, readArray(readString, 'an array of strings'));
  const matrix = r.field(
    o,
    'matrix',
    p,
    readArray(readArray(count, 'an array of counts'), 'an array of rows'),
  );
  if (Array.isArray(labels) && Array.isArray(matrix)) {
    const size = labels.length;
    matrix.forEach((row, index) => {
      if (Array.isArray(row) && row.length !== size) {
        r.fail(
          `${p}/matrix/${index}`,
          'row length differs from the number of labels',
          `${size} counts`,
          row,
        );
      }
    });
    if (matrix.length !== size) {
      r.fail(`${p}/matrix`, 'row count differs from the number of labels', `${size} rows`, matrix);
    }
  }
  return { labels, matrix };
});

const readSplits: Read<MetricsDocument['splits']> = readObject('an object', (r, o, p) => {
  const validation = r.optionalField(o, 'validation', p, readClassificationMetrics);
  const test = r.optionalField(o, 'test', p, readClassificationMetrics);
  return {
    ...(validation === undefined ? {} : { validation }),
    ...(test === undefined ? {} : { test }),
  };
});

const readData: Read<DataSummary> = readObject('an object', (r, o, p) => ({
  train: r.field(o, 'train', p, count),
  validation: r.field(o, 'validation', p, count),
  test: r.field(o, 'test', p, count),
  vocabularySize: r.field(o, 'vocabularySize', p, count),
  maxLen: r.field(o, 'maxLen', p, count),
}));

const readModel: Read<ModelSummary> = readObject('an object', (r, o, p) => ({
  layers: r.field(o, 'layers', p, readArray(readLayer, 'an array of layers')),
  totalParams: r.field(o, 'totalParams', p, count),
}));

const readBackend: Read<BackendSummary> = readObject('an object', (r, o, p) => ({
  backend: r.field(o, 'backend', p, readString),
  simd: r.field(o, 'simd', p, readBoolean),
  threads: r.field(o, 'threads', p, count),
}));

const readTraining: Read<MetricsDocument['training']> = readObject('an object', (r, o, p) => {
  const epochs = r.field(o, 'epochs', p, count);
  const seconds = r.field(o, 'seconds', p, readNumber({ min: 0 }));
  const seed = r.field(o, 'seed', p, readNumber({ integer: true }));
  const best = r.optionalField(o, 'bestEpoch', p, readNumber({ integer: true, min: 1 }));
  return { epochs, seconds, seed, ...(best === undefined ? {} : { bestEpoch: best }) };
});

const readHistory: Read<History> = readRecord(
  'an object of per-epoch arrays',
  readArray(readNumberOrNull, 'an array of numbers'),
);

const readScoredExample: Read<ScoredExample> = readObject('an object', (r, o, p) => ({
  text: r.field(o, 'text', p, readString),
  target: r.field(o, 'target', p, count),
  scores: r.field(o, 'scores', p, readArray(ratio, 'an array of probabilities')),
}));

const readPredictions: Read<PredictionSet> = readObject('an object', (r, o, p) => {
  const labels = r.field(o, 'labels', p, readArray(readString, 'an array of strings'));
  const threshold = r.field(o, 'threshold', p, ratio);
  const splits = (['validation', 'test'] as const).map((split) => {
    const examples = r.optionalField(
      o,
      split,
      p,
      readArray(readScoredExample, 'an array of scored examples'),
    );
    if (Array.isArray(labels) && Array.isArray(examples)) {
      examples.forEach((example, index) => {
        const at = `${p}/${split}/${index}`;
        if (example === undefined) return;
        if (typeof example.target === 'number' && example.target >= labels.length) {
          r.fail(
            `${at}/target`,
            'label index out of range',
            `an integer from 0 to ${labels.length - 1}`,
            example.target,
          );
        }
        if (Array.isArray(example.scores) && example.scores.length !== labels.length) {
          r.fail(`${at}/scores`, 'one score per label', `${labels.length} scores`, example.scores);
        }
      });
    }
    return [split, examples] as const;
  });
  const [validation, test] = splits.map(([, examples]) => examples);
  return {
    labels,
    threshold,
    ...(validation === undefined ? {} : { validation }),
    ...(test === undefined ? {} : { test }),
  };
});

const readDocument: Read<MetricsDocument> = readObject('a JSON object', (r, o, p) => {
  const schemaVersion = r.field(o, 'schemaVersion', p, readLiteral([1] as const));
  const pipeline = r.field(o, 'pipeline', p, readString);
  const description = r.optionalField(o, 'description', p, readString);
  const task = r.field(o, 'task', p, readString);
  const createdAt = r.field(o, 'createdAt', p, readTimestamp);
  const splits = r.field(o, 'splits', p, readSplits);
  const data = r.field(o, 'data', p, readData);
  const model = r.field(o, 'model', p, readModel);
  const backend = r.field(o, 'backend', p, readBackend);
  const training = r.field(o, 'training', p, readTraining);
  const history = r.field(o, 'history', p, readHistory);
  const examples = r.field(o, 'examples', p, readArray(readExample, 'an array of examples'));
  const predictions = r.optionalField(o, 'predictions', p, readPredictions);
  return {
    schemaVersion,
    pipeline,
    ...(description === undefined ? {} : { description }),
    task,
    createdAt,
    splits,
    data,
    model,
    backend,
    training,
    history,
    examples,
    ...(predictions === undefined ? {} : { predictions }),
  };
});

/**
 * Parses and checks the content of a `metrics.json` file. Every problem is collected, then one
 * `SEQPIPE_EVAL_INVALID` error names the file and, per problem, the JSON Pointer path, what was
 * expected and what was found. Unknown properties are ignored; `null` in `history` reads as `NaN`.
 *
 * @example
 * const document = parseMetricsDocument(readFileSync(file, 'utf8'), file);
 */
export function parseMetricsDocument(json: string, file: string): MetricsDocument {
  return parseMetricsFile(json, file, HINT, (reader, value) => readDocument(reader, value, ''));
}
