import { performance } from 'node:perf_hooks';
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
import { SeqpipeError, isSeqpipeError } from '@seqpipe/errors';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { resolveClassWeights } from './class-weights.js';
import { createEarlyStopping } from './early-stopping.js';
import { fitModel, type History, type TrainCallbacks } from './fit.js';
import { createReduceLrOnPlateau } from './reduce-lr-on-plateau.js';
import type { StatefulCallback } from './stateful-callback.js';
import { prepareData, toTensors, type PreparedData } from './prepare-data.js';
import { createProgressReporter, type ProgressStream } from './progress.js';
import { canonicalHash, saveArtifact } from './save-artifact.js';

export interface TrainPipelineOptions {
  /** Directory relative data paths resolve against: the pipeline file's directory. */
  readonly baseDir: string;
  /** The pipeline file, for error messages. */
  readonly file?: string;
  /** Where the artifact goes (replaced atomically). */
  readonly artifactDir: string;
  /** Progress output (a TTY gets a live bar); `false` for none. Default: none. */
  readonly progress?: ProgressStream | false;
  /** Informational lines (backend, data sizes). */
  readonly log?: (line: string) => void;
  readonly callbacks?: readonly TrainCallbacks[];
  /**
   * Folder for per-epoch checkpoints (`train.checkpoint`, default on). Without it no
   * checkpoint is written. The CLI uses `artifacts/.checkpoints/<name>/`.
   */
  readonly checkpointDir?: string | undefined;
  /** Continue from the latest checkpoint in `checkpointDir` instead of epoch 1. */
  readonly resume?: boolean | undefined;
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
  const controls: StatefulCallback[] = [];
  if (spec.earlyStopping) controls.push(createEarlyStopping(spec.earlyStopping, model, log));
  if (spec.reduceLrOnPlateau)
    controls.push(createReduceLrOnPlateau(spec.reduceLrOnPlateau, model, log));
  try {
    const pipelineHash = canonicalHash(pipeline);
    const checkpointDir = spec.checkpoint === false ? undefined : options.checkpointDir;
    let history: History = {};
    let initialEpoch = 0;
    let secondsBefore = 0;
    if (options.resume === true) {
      if (options.checkpointDir === undefined)
        throw new SeqpipeError(
          'SEQPIPE_USAGE',
          'resume needs a checkpoint folder (checkpointDir).',
        );
      const checkpoint = await loadCheckpoint(options.checkpointDir, pipelineHash);
      await checkpoint.restore(model, controls);
      history = checkpoint.state.history;
      initialEpoch = checkpoint.state.epoch + 1;
      secondsBefore = checkpoint.state.seconds;
      log(
        `resuming after epoch ${initialEpoch}/${spec.epochs} from the checkpoint in ${options.checkpointDir}`,
      );
    }
    const callbacks: TrainCallbacks[] = [...controls, ...(options.callbacks ?? [])];
    if (options.progress) callbacks.unshift(createProgressReporter(options.progress));
    const started = performance.now();
    const elapsed = (): number => secondsBefore + (performance.now() - started) / 1000;
    let lastCheckpoint = initialEpoch - 1;
    if (checkpointDir !== undefined) {
      callbacks.push({
        async onEpochEnd(epoch) {
          await saveCheckpoint(checkpointDir, {
            model,
            pipelineHash,
            epoch,
            history,
            seconds: elapsed(),
            callbacks: controls,
          });
          lastCheckpoint = epoch;
        },
      });
    }
    let stopReason: string | undefined;
    callbacks.push({ onTrainEnd: (info) => void (stopReason = info.stopReason) });
    try {
      history = await fitModel(model, trainTensors, {
        epochs: spec.epochs,
        batchSize: spec.batchSize,
        seed: pipeline.seed,
        validation: valTensors,
        callbacks,
        initialEpoch,
        history,
        classWeights: resolveClassWeights(spec.classWeight, data, options.file),
        clipNorm: spec.clipNorm,
        clipValue: spec.clipValue,
        maxSeconds: spec.maxMinutes !== undefined ? spec.maxMinutes * 60 : undefined,
        elapsedSeconds: secondsBefore,
      });
    } catch (error) {
      if (isSeqpipeError(error) && error.code === 'SEQPIPE_TRAIN_FAILED' && checkpointDir) {
        throw new SeqpipeError(
          error.code,
          lastCheckpoint >= 0
            ? `${error.message} The last good checkpoint (epoch ${lastCheckpoint + 1}) is kept in ${checkpointDir}: fix the cause, then continue with \`seqpipe train --resume\`.`
            : `${error.message} No epoch completed, so there is no checkpoint to resume from.`,
          { ...(options.file !== undefined ? { file: options.file } : {}), cause: error },
        );
      }
      throw error;
    }
    if (stopReason !== undefined) log(`stopped: ${stopReason}`);
    const seconds = elapsed();
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
    for (const control of controls) control.dispose?.();
    model.dispose();
    tf.dispose([trainTensors.x, trainTensors.y]);
    if (valTensors) tf.dispose([valTensors.x, valTensors.y]);
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) log(`warning: ${leaked} tensors were not released by training`);
  }
}
