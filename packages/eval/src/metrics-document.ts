import type { ClassificationMetrics, ClassMetrics } from './classification-metrics.js';
import type {
  BackendSummary,
  DataSummary,
  ExamplePrediction,
  History,
  ModelSummary,
  PredictionSet,
  ReportInput,
} from './report-input.js';
import { bestEpoch } from './best-epoch.js';
import { throwInvalid } from './invalid-input.js';

/**
 * `metrics.json`: the machine-readable side of a report, every number a run produced.
 * `schemaVersion` changes only when a reader of version 1 would misread the file.
 */
export interface MetricsDocument {
  schemaVersion: 1;
  pipeline: string;
  description?: string;
  task: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  splits: { validation?: ClassificationMetrics; test?: ClassificationMetrics };
  data: DataSummary;
  model: ModelSummary;
  backend: BackendSummary;
  training: {
    epochs: number;
    seconds: number;
    seed: number;
    /** 1-based epoch with the lowest `history.valLoss`; absent without validation loss. */
    bestEpoch?: number;
  };
  /** One value per epoch; a non-finite value (a diverged loss) is written as `null`, read back as `NaN`. */
  history: History;
  examples: ExamplePrediction[];
  /**
   * Per-example scores of the held-out splits (texts cut to 300 characters), from which the
   * report draws ROC, precision-recall and calibration curves. Optional: files written before
   * it existed still read.
   */
  predictions?: PredictionSet;
}

/**
 * Collects the numbers of a run into a `metrics.json` document. Copies everything, so later
 * changes to `input` do not show up in the document.
 *
 * @example
 * const json = renderMetricsDocument(buildMetricsDocument(input, new Date()));
 */
export function buildMetricsDocument(input: ReportInput, createdAt: Date): MetricsDocument {
  const time = createdAt instanceof Date ? createdAt.getTime() : NaN;
  if (!Number.isFinite(time)) {
    throwInvalid('Cannot build a metrics document:', [
      {
        path: '/createdAt',
        message: 'not a valid date',
        expected: 'a valid Date',
        received: String(createdAt),
      },
    ]);
  }
  const { pipeline, data, model, backend, training, metrics } = input;
  const best = bestEpoch(training.history);
  const splits: MetricsDocument['splits'] = {};
  if (metrics.validation !== undefined) splits.validation = copyMetrics(metrics.validation);
  if (metrics.test !== undefined) splits.test = copyMetrics(metrics.test);
  return {
    schemaVersion: 1,
    pipeline: pipeline.name,
    ...(pipeline.description === undefined ? {} : { description: pipeline.description }),
    task: pipeline.task,
    createdAt: new Date(time).toISOString(),
    splits,
    data: {
      train: data.train,
      validation: data.validation,
      test: data.test,
      vocabularySize: data.vocabularySize,
      maxLen: data.maxLen,
    },
    model: {
      layers: model.layers.map(({ name, type, outputShape, params }) => ({
        name,
        type,
        outputShape,
        params,
      })),
      totalParams: model.totalParams,
    },
    backend: { backend: backend.backend, simd: backend.simd, threads: backend.threads },
    training: {
      epochs: training.epochs,
      seconds: training.seconds,
      seed: training.seed,
      ...(best === undefined ? {} : { bestEpoch: best }),
    },
    history: Object.fromEntries(
      Object.entries(training.history).map(([key, values]) => [key, [...values]]),
    ),
    examples: input.examples.map(({ text, label, score }) => ({ text, label, score })),
    ...(input.predictions === undefined ? {} : { predictions: copyPredictions(input.predictions) }),
  };
}

/** The file content of `metrics.json`: two-space indented JSON and a final newline. */
export function renderMetricsDocument(document: MetricsDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The report input a metrics document was built from, so a report can be re-rendered from
 * `metrics.json` alone (derived fields such as `bestEpoch` are dropped).
 */
export function reportInputFromMetricsDocument(document: MetricsDocument): ReportInput {
  const { training } = document;
  return {
    pipeline: {
      name: document.pipeline,
      task: document.task,
      ...(document.description === undefined ? {} : { description: document.description }),
    },
    data: { ...document.data },
    model: {
      layers: document.model.layers.map((layer) => ({ ...layer })),
      totalParams: document.model.totalParams,
    },
    backend: { ...document.backend },
    training: {
      epochs: training.epochs,
      seconds: training.seconds,
      seed: training.seed,
      history: Object.fromEntries(
        Object.entries(document.history).map(([key, values]) => [key, [...values]]),
      ),
    },
    metrics: {
      ...(document.splits.validation === undefined
        ? {}
        : { validation: copyMetrics(document.splits.validation) }),
      ...(document.splits.test === undefined ? {} : { test: copyMetrics(document.splits.test) }),
    },
    examples: document.examples.map((example) => ({ ...example })),
    ...(document.predictions === undefined
      ? {}
      : { predictions: copyPredictions(document.predictions) }),
  };
}

export function copyPredictions(predictions: PredictionSet): PredictionSet {
  const copySplit = (split: PredictionSet['validation']) =>
    split?.map(({ text, target, scores }) => ({ text, target, scores: [...scores] }));
  const validation = copySplit(predictions.validation);
  const test = copySplit(predictions.test);
  return {
    labels: [...predictions.labels],
    threshold: predictions.threshold,
    ...(validation === undefined ? {} : { validation }),
    ...(test === undefined ? {} : { test }),
  };
}

export function copyMetrics(metrics: ClassificationMetrics): ClassificationMetrics {
  return {
    accuracy: metrics.accuracy,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    average: metrics.average,
    ...(metrics.positiveLabel === undefined ? {} : { positiveLabel: metrics.positiveLabel }),
    perClass: metrics.perClass.map(({ label, precision, recall, f1, support }): ClassMetrics => ({
      label,
      precision,
      recall,
      f1,
      support,
    })),
    confusionMatrix: {
      labels: [...metrics.confusionMatrix.labels],
      matrix: metrics.confusionMatrix.matrix.map((row) => [...row]),
    },
    support: metrics.support,
  };
}
