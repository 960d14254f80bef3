export { trainPipeline } from './train-pipeline.js';
export type { TrainPipelineOptions, TrainResult, TrainingRecord } from './train-pipeline.js';
export { fitModel, evaluateSplit, runEpochs, trainStep } from './fit.js';
export { runTrainingSession } from './training-session.js';
export type { SessionOptions, SessionResult } from './training-session.js';
export type {
  BatchTrainer,
  ClipOptions,
  EpochLogs,
  FitControl,
  FitOptions,
  LoopOptions,
  StepOptions,
  History,
  TensorSplit,
  TrainBeginInfo,
  TrainCallbacks,
  TrainEndInfo,
} from './fit.js';
export { createEarlyStopping } from './early-stopping.js';
export { createReduceLrOnPlateau } from './reduce-lr-on-plateau.js';
export { getLearningRate, setLearningRate } from './learning-rate.js';
export { resolveClassWeights } from './class-weights.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { CheckpointContents, CheckpointState, LoadedCheckpoint } from './checkpoint.js';
export type { CallbackState, StatefulCallback } from './stateful-callback.js';
export { prepareData, toTensors } from './prepare-data.js';
export type { PreparedData } from './prepare-data.js';
export { createProgressReporter } from './progress.js';
export type { ProgressStream } from './progress.js';
export { saveArtifact, serializeModel, canonicalHash } from './save-artifact.js';
export type { ArtifactContents } from './save-artifact.js';
export { writeFileAtomic, writeDirectoryAtomic } from './write-file-atomic.js';
export {
  trainSeq2seqPipeline,
  prepareSeq2seqData,
  encodePairs,
  fitSeq2seq,
  evaluatePairs,
} from './train-seq2seq.js';
export type {
  EncodedPairs,
  Seq2seqData,
  Seq2seqFitOptions,
  Seq2seqTrainingRecord,
  Seq2seqTrainResult,
  TrainSeq2seqOptions,
} from './train-seq2seq.js';
