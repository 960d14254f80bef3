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
