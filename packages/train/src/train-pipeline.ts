import * as tf from '@tensorflow/tfjs-core';
import { formatBackendInfo, initBackend, type BackendInfo } from '@seqpipe/backend';
import { loadExamples } from '@seqpipe/data';
import type { ArtifactManifest } from '@seqpipe/runtime';
import {
  compileModel,
  modelSummary,
  totalParams,
  type LayerSummary,
  type Pipeline,
} from '@seqpipe/spec';
import { resolveClassWeights } from './class-weights.js';
import { fitModel, type History } from './fit.js';
import { prepareData, toTensors, type PreparedData } from './prepare-data.js';
import { canonicalHash, saveArtifact } from './save-artifact.js';
import { runTrainingSession, type SessionOptions } from './training-session.js';

export interface TrainPipelineOptions extends SessionOptions {
  /** Directory relative data paths resolve against: the pipeline file's directory. */
  readonly baseDir: string;
  /** The pipeline file, for error messages. */
  readonly file?: string;
  /** Where the artifact goes (replaced atomically). */
  readonly artifactDir: string;
  /** Folder relative data paths resolve against instead of `baseDir` (`--data-dir`). */
  readonly dataDir?: string | undefined;
}

/** What `training.json` in the artifact holds: everything a report needs about the run. */
export interface TrainingRecord {
  readonly history: History;
  readonly model: { readonly layers: LayerSummary[]; readonly totalParams: number };
  readonly data: {
    readonly train: number;
    readonly validation: number;
    readonly test: number;
    readonly vocabularySize: number;
    readonly maxLen: number;
  };
}

export interface TrainResult {
  readonly manifest: ArtifactManifest;
  readonly record: TrainingRecord;
  readonly backend: BackendInfo;
  readonly data: PreparedData;
  readonly seconds: number;
}

/** Trains a validated pipeline end to end and writes its artifact. Leaves no tensors behind. */
export async function trainPipeline(
  pipeline: Pipeline,
  options: TrainPipelineOptions,
): Promise<TrainResult> {
  const log = options.log ?? (() => {});
  const backend = await initBackend(pipeline.backend);
  log(formatBackendInfo(backend));

  const examples = await loadExamples(pipeline.data, {
    baseDir: options.baseDir,
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  });
  const data = prepareData(pipeline, examples, options.file);
  const { train, validation, test } = data.splits;
  log(
    `data: ${examples.length} examples → train ${train.length} · validation ${validation.length} · test ${test.length} · vocabulary ${data.tokenizer.wordIndex.size} words (model input ${data.vocabSize})`,
  );

  const before = tf.memory().numTensors;
  const trainTensors = toTensors(pipeline, data, train);
  const valTensors = validation.length > 0 ? toTensors(pipeline, data, validation) : undefined;
  const model = compileModel(pipeline, {
    vocabSize: data.vocabSize,
    inputLength: pipeline.preprocess.maxLen,
    numClasses: data.classes.length,
    seed: pipeline.seed,
  });
  const spec = pipeline.train;
  try {
    const { history, seconds } = await runTrainingSession(pipeline, model, options, (loop) =>
      fitModel(model, trainTensors, {
        ...loop,
        epochs: spec.epochs,
        batchSize: spec.batchSize,
        seed: pipeline.seed,
        validation: valTensors,
        classWeights: resolveClassWeights(spec.classWeight, data, options.file),
        clipNorm: spec.clipNorm,
        clipValue: spec.clipValue,
      }),
    );
    const record: TrainingRecord = {
      history,
      model: { layers: modelSummary(model), totalParams: totalParams(model) },
      data: {
        train: train.length,
        validation: validation.length,
        test: test.length,
        vocabularySize: data.vocabSize,
        maxLen: pipeline.preprocess.maxLen,
      },
    };
    const last = Object.fromEntries(
      Object.entries(history).map(([k, values]) => [k, values[values.length - 1] ?? NaN]),
    );
    const manifest = await saveArtifact(options.artifactDir, {
      model,
      tokenizerJson: data.tokenizer.toJSON(),
      manifest: {
        formatVersion: 1,
        name: pipeline.name,
        task:
          pipeline.task === 'multiclassClassification'
            ? 'multiclassClassification'
            : 'binaryClassification',
        pipelineHash: canonicalHash(pipeline),
        createdAt: new Date().toISOString(),
        preprocess: {
          maxLen: pipeline.preprocess.maxLen,
          padding: pipeline.preprocess.padding,
          truncating: pipeline.preprocess.truncating,
          ...(pipeline.data.clean !== undefined ? { clean: pipeline.data.clean } : {}),
        },
        labels: data.labels,
        threshold: pipeline.evaluate.threshold,
        backend: { backend: backend.backend, simd: backend.simd, threads: backend.threads },
        training: {
          seed: pipeline.seed,
          epochs: Object.values(history)[0]?.length ?? 0,
          seconds,
          trainSize: train.length,
          validationSize: validation.length,
        },
        metrics: Object.fromEntries(Object.entries(last).filter(([, v]) => Number.isFinite(v))),
      },
      extraFiles: { 'training.json': record },
    });
    return { manifest, record, backend, data, seconds };
  } finally {
    model.dispose();
    tf.dispose([trainTensors.x, trainTensors.y]);
    if (valTensors) tf.dispose([valTensors.x, valTensors.y]);
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) log(`warning: ${leaked} tensors were not released by training`);
  }
}
