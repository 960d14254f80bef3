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
export { renderHtmlReport } from './html-report.js';
export type { HtmlReportOptions } from './html-report.js';
export { renderChartSvg } from './render-chart.js';
export {
  calibrationChart,
  confusionMatrixChart,
  lineChart,
  MAX_CURVE_POINTS,
  POINT_MARK,
  thinPoints,
} from './chart-specs.js';
export type { ChartSpec, SeriesPoint } from './chart-specs.js';
export {
  compareCurveCharts,
  historyMetrics,
  learningCurveCharts,
} from './learning-curve-charts.js';
export { taskReportSections } from './task-report-sections.js';
export type { ChartRenderer, TaskReportSection } from './task-report-section.js';
export { renderCompareHtml, renderCompareMarkdown } from './compare-report.js';
export type { CompareRun } from './compare-report.js';
export { editDistance, corpusBleu, sequenceMetrics } from './sequence-metrics.js';
export type { SequenceMetrics } from './sequence-metrics.js';
export { renderSeq2seqMarkdown } from './seq2seq-report.js';
export type { Seq2seqEvaluation, TranslationSample } from './seq2seq-report.js';
export type { Seq2seqRecord, Seq2seqReportData } from './report-input.js';
export { alignCharacters, diffEdits } from './sequence-diff.js';
export type { DiffOp, DiffSegment } from './sequence-diff.js';
export { lengthBuckets, sourceLength } from './length-buckets.js';
export type { LengthBucket, LengthRecord } from './length-buckets.js';
export {
  diffHtml,
  diffMarkdown,
  errorByLengthChart,
  reportInputFromSeq2seqEvaluation,
  seq2seqSection,
} from './seq2seq-section.js';
export { parseSeq2seqEvaluation } from './parse-seq2seq-evaluation.js';
