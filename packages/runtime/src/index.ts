export { loadArtifact } from './load-artifact.js';
export type { LoadArtifactOptions } from './load-artifact.js';
export { toReader } from './artifact-source.js';
export type { ArtifactReader, ArtifactSource } from './artifact-source.js';
export { TextClassifier } from './text-classifier.js';
export type { Prediction } from './text-classifier.js';
export { parseManifest, ARTIFACT_FORMAT_VERSION, REQUIRED_FILES } from './manifest.js';
export type { ArtifactManifest, ArtifactTask, FileDigest } from './manifest.js';
export { sha256Hex } from './sha256.js';
export { createPredictHandler, DEFAULT_PREDICT_LIMITS } from './predict-handler.js';
export type {
  ErrorBody,
  FetchHandler,
  PredictHandlerOptions,
  PredictLimits,
  PredictModel,
} from './predict-handler.js';
export { serveNode } from './serve-node.js';
export type { NodeServer, ServeNodeOptions } from './serve-node.js';
export { Translator } from './translator.js';
export type { Translation, TranslateOptions } from './translator.js';
export { loadTranslator } from './load-translator.js';
export { parseSeq2seqManifest, SEQ2SEQ_FILES } from './seq2seq-manifest.js';
export type { Seq2seqManifest } from './seq2seq-manifest.js';
export { greedySearch, beamSearch } from './sequence-search.js';
export type { DecoderStep, Hypothesis, SearchOptions } from './sequence-search.js';
