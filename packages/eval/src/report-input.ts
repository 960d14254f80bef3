import type { ClassificationMetrics } from './classification-metrics.js';

/**
 * Per-epoch training history: one value per epoch under Keras-style camelCase keys
 * (`loss`, `accuracy`, `valLoss`, `valAccuracy`, ...).
 */
export type History = Record<string, number[]>;

export interface PipelineSummary {
  name: string;
  task: string;
  description?: string | undefined;
}

export interface DataSummary {
  /** Examples per split. */
  train: number;
  validation: number;
  test: number;
  /** Tokens in the vocabulary (as used by the model's embedding). */
  vocabularySize: number;
  maxLen: number;
}

export interface LayerSummary {
  name: string;
  type: string;
  /** As printed by `model.summary()`, e.g. `[null,10,16]`. */
  outputShape: string;
  params: number;
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
}

export interface BackendSummary {
  backend: string;
  simd: boolean;
  threads: number;
}

export interface TrainingSummary {
  epochs: number;
  /** Wall-clock training time. */
  seconds: number;
  history: History;
  seed: number;
}

export interface SplitMetrics {
  validation?: ClassificationMetrics | undefined;
  test?: ClassificationMetrics | undefined;
}

/** One prediction on a text from the pipeline's `evaluate.examples`. */
export interface ExamplePrediction {
  text: string;
  /** Predicted class. */
  label: string;
  /** Model score for the prediction (binary: the sigmoid output; multiclass: the top probability). */
  score: number;
}

/** Everything a run knows that the Markdown report and `metrics.json` show. */
export interface ReportInput {
  pipeline: PipelineSummary;
  data: DataSummary;
  model: ModelSummary;
  backend: BackendSummary;
  training: TrainingSummary;
  metrics: SplitMetrics;
  examples: ExamplePrediction[];
}
