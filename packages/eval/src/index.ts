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
  ReportInput,
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
