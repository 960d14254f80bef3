export type {
  Pipeline,
  Task,
  DataSpec,
  DataSourceSpec,
  DataSplitSpec,
  PreprocessSpec,
  LayerSpec,
  LayerType,
  EmbeddingLayerSpec,
  RecurrentLayerSpec,
  RecurrentLayerType,
  BidirectionalLayerSpec,
  DropoutLayerSpec,
  DenseLayerSpec,
  DenseActivation,
  GlobalAveragePooling1dLayerSpec,
  GlobalMaxPooling1dLayerSpec,
  ModelSpec,
  ClassifierModelSpec,
  GraphModelSpec,
  GraphInputSpec,
  GraphNodeSpec,
  TrainSpec,
  EarlyStoppingSpec,
  ReduceLrOnPlateauSpec,
  MonitorMode,
  CleanSpec,
  OptimizerType,
  LossName,
  EvaluateSpec,
  MetricName,
  BackendSpec,
  CompileContext,
  ValidationResult,
} from './pipeline-types.js';
export { pipelineSchema } from './pipeline-schema.js';
export type { JsonSchema } from './pipeline-schema.js';
export { parsePipeline } from './parse-pipeline.js';
export { migratePipeline, CURRENT_PIPELINE_VERSION } from './migrate-pipeline.js';
export {
  applyDefaults,
  KERAS_FILTERS,
  DEFAULT_LEARNING_RATES,
  TASK_DEFAULTS,
} from './apply-defaults.js';
export { validatePipeline, safeValidatePipeline } from './validate-pipeline.js';
export type { ValidateOptions } from './validate-pipeline.js';
export { loadPipeline } from './load-pipeline.js';
export { lowerToGraph } from './lower-to-graph.js';
export { compileModel } from './compile-model.js';
export { createOptimizer } from './create-optimizer.js';
export { layerRegistry } from './layer-registry.js';
export type { LayerFactory, LayerBuildContext, LayerSpecOf } from './layer-registry.js';
export { modelSummary, totalParams } from './model-summary.js';
export type { LayerSummary } from './model-summary.js';
export { deriveSeed } from './derive-seed.js';
export { dropoutSteps, setDropoutSteps } from './seeded-dropout.js';
export { SeededOrthogonal } from './seeded-orthogonal.js';
export {
  compileEncoderDecoder,
  lowerEncoderDecoder,
  maskedSequenceCrossentropy,
  maskedTokenAccuracy,
  ENCODER_INPUT,
  DECODER_INPUT,
  DECODER_OUTPUT,
} from './encoder-decoder.js';
export type {
  EncoderDecoderGraphs,
  EncoderDecoderModels,
  Seq2seqCompileContext,
} from './encoder-decoder.js';
export { buildSharedGraphModel } from './graph-builder.js';
export { parseTensorRef } from './tensor-ref.js';
export type { SharedLayers } from './graph-builder.js';
export type {
  EncoderDecoderModelSpec,
  DecodeSpec,
  SequenceVocabularySpec,
  OneHotLayerSpec,
  ConcatenateLayerSpec,
} from './pipeline-types.js';
