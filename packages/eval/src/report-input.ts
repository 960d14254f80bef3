import type { ClassificationMetrics } from './classification-metrics.js';
import type { LengthRecord } from './length-buckets.js';
import type { TranslationSample } from './seq2seq-report.js';
import type { SequenceMetrics } from './sequence-metrics.js';

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

/** One held-out example as the model scored it, for curves, calibration and error lists. */
export interface ScoredExample {
  /** The input text, cut to `MAX_SCORED_TEXT` characters by `scoredText` (an ellipsis marks a cut). */
  text: string;
  /** True class index into `PredictionSet.labels`. */
  target: number;
  /** One probability per label, in `labels` order (binary: `[1 − p, p]`). */
  scores: number[];
}

/** Per-example scores of the held-out splits. */
export interface PredictionSet {
  labels: string[];
  /** Binary decision threshold of the run (positive when `scores[1] >= threshold`). */
  threshold: number;
  validation?: ScoredExample[] | undefined;
  test?: ScoredExample[] | undefined;
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
  /** Per-example scores (written by `seqpipe evaluate`); absent in older `metrics.json` files. */
  predictions?: PredictionSet | undefined;
  /** Sequence metrics and held-out pairs of a seq2seq run (`task: "seq2seq"`). */
  seq2seq?: Seq2seqReportData | undefined;
}

/** One held-out seq2seq pair: texts, token edits and reference tokens (target tokenizer). */
export type Seq2seqRecord = LengthRecord;

/** What the seq2seq section of the reports shows. */
export interface Seq2seqReportData {
  decode: { strategy: 'greedy' | 'beam'; beamWidth: number; maxLength: number };
  splits: { validation?: SequenceMetrics | undefined; test?: SequenceMetrics | undefined };
  /** Every held-out pair (absent in `metrics.json` files written before it was recorded). */
  records?:
    { validation?: Seq2seqRecord[] | undefined; test?: Seq2seqRecord[] | undefined } | undefined;
  /** The first held-out pairs (test split first), for the sample table without `records`. */
  samples: TranslationSample[];
}
