export { classificationMetrics, confusionMatrix } from './classification-metrics.js';
export type {
  ClassMetrics,
  ClassificationMetrics,
  ClassificationMetricsOptions,
  ConfusionMatrix,
} from './classification-metrics.js';
export { binaryPredictions } from './binary-predictions.js';
export type {
  BackendSummary,
  DataSummary,
  ExamplePrediction,
  History,
  LayerSummary,
  ModelSummary,
  PipelineSummary,
  PredictionSet,
  ReportInput,
  ScoredExample,
  SplitMetrics,
  TrainingSummary,
} from './report-input.js';
export { bestEpoch } from './best-epoch.js';
export {
  buildMetricsDocument,
  renderMetricsDocument,
  reportInputFromMetricsDocument,
} from './metrics-document.js';
export type { MetricsDocument } from './metrics-document.js';
export { parseMetricsDocument } from './parse-metrics-document.js';
export { renderMarkdownReport } from './markdown-report.js';
export { escapeMarkdownCell } from './markdown-table.js';
export { formatMetricsLine } from './format-metrics-line.js';
export {
  calibration,
  precisionRecallCurve,
  rocCurve,
  thresholdTable,
} from './classification-curves.js';
export type {
  Calibration,
  CalibrationBin,
  PrCurve,
  PrPoint,
  RocCurve,
  RocPoint,
  ThresholdRow,
} from './classification-curves.js';
export {
  analyzeClassification,
  predictedIndex,
  TABLE_THRESHOLDS,
} from './classification-analysis.js';
export type {
  ClassCurves,
  ClassificationAnalysis,
  WrongPrediction,
} from './classification-analysis.js';
export { MAX_SCORED_TEXT, scoredText } from './scored-text.js';
