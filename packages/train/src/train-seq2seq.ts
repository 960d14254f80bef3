import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { formatBackendInfo, initBackend, type BackendInfo } from '@seqpipe/backend';
import { loadExamples, splitExamples, type Example } from '@seqpipe/data';
import { SeqpipeError } from '@seqpipe/errors';
import type { FileDigest, Seq2seqManifest } from '@seqpipe/runtime';
import {
  compileEncoderDecoder,
  modelSummary,
  totalParams,
  type LayerSummary,
  type Pipeline,
  type SequenceVocabularySpec,
} from '@seqpipe/spec';
import { Vocabulary } from '@seqpipe/text';
import { createHash } from 'node:crypto';
import {
  runEpochs,
  trainStep,
  type BatchTrainer,
  type ClipOptions,
  type History,
  type LoopOptions,
} from './fit.js';
import { canonicalHash, serializeModel } from './save-artifact.js';
import { runTrainingSession, type SessionOptions } from './training-session.js';
import { writeDirectoryAtomic } from './write-file-atomic.js';

/** A pair split and encoded: ids padded with 0 after the sequence. */
export interface EncodedPairs {
  /** Source ids [n, inputLength]. */
  readonly source: Int32Array;
  /** Decoder inputs [n, targetLength + 1]: start token, then the target (teacher forcing). */
  readonly decoderInput: Int32Array;
  /** Decoder targets [n, targetLength + 1]: the target, then the end token (inputs shifted left). */
  readonly decoderTarget: Int32Array;
  readonly sourceLengths: Int32Array;
  readonly targetLengths: Int32Array;
  readonly count: number;
}

export interface Seq2seqData {
  readonly input: Vocabulary;
  readonly target: Vocabulary;
  readonly splits: { train: Example[]; validation: Example[]; test: Example[] };
  /** Longest source and target in tokens (start/end not counted). */
  readonly inputLength: number;
  readonly targetLength: number;
  /** Pairs dropped for exceeding preprocess.{input,target}.maxLength. */
  readonly dropped: number;
}

const DEFAULT_SIDE: SequenceVocabularySpec = {
  type: 'chars',
  lower: false,
  start: '\t',
  end: '\n',
};

/**
 * Splits the pairs (seeded), drops (and counts) pairs longer than the declared maxLength and
 * fits the source and target vocabularies on the training split (`preprocess.fitOn: "all"`:
 * on every pair).
 */
export function prepareSeq2seqData(pipeline: Pipeline, examples: readonly Example[]): Seq2seqData {
  const inputSpec = pipeline.preprocess.input ?? DEFAULT_SIDE;
  const targetSpec = pipeline.preprocess.target ?? DEFAULT_SIDE;
  const probeIn = Vocabulary.fit([], inputSpec);
  const probeOut = Vocabulary.fit([], targetSpec);
  const kept = examples.filter(
    (e) =>
      (inputSpec.maxLength === undefined ||
        probeIn.tokenize(e.input).length <= inputSpec.maxLength) &&
      (targetSpec.maxLength === undefined ||
        probeOut.tokenize(String(e.target)).length <= targetSpec.maxLength),
  );
  const splits = splitExamples(kept, { ...pipeline.data.split, seed: pipeline.seed });
  const fitOn = pipeline.preprocess.fitOn === 'all' ? kept : splits.train;
  const input = Vocabulary.fit(
    fitOn.map((e) => e.input),
    inputSpec,
  );
  const target = Vocabulary.fit(
    fitOn.map((e) => String(e.target)),
    targetSpec,
  );
  // a loop, not Math.max(...array): 100k+ arguments overflow the stack
  const inputLength = kept.reduce((m, e) => Math.max(m, input.tokenize(e.input).length), 1);
  const targetLength = kept.reduce(
    (m, e) => Math.max(m, target.tokenize(String(e.target)).length),
    1,
  );
  return {
    input,
    target,
    splits,
    inputLength,
    targetLength,
    dropped: examples.length - kept.length,
  };
}

/** Encodes pairs for teacher forcing: decoder input = start + target, decoder target = target + end. */
export function encodePairs(data: Seq2seqData, examples: readonly Example[]): EncodedPairs {
  const n = examples.length;
  const inWidth = data.inputLength;
  const outWidth = data.targetLength + 1;
  const source = new Int32Array(n * inWidth);
  const decoderInput = new Int32Array(n * outWidth);
  const decoderTarget = new Int32Array(n * outWidth);
  const sourceLengths = new Int32Array(n);
  const targetLengths = new Int32Array(n);
  examples.forEach((example, i) => {
    const src = data.input.encode(example.input).slice(0, inWidth);
    source.set(src, i * inWidth);
    sourceLengths[i] = src.length;
    const tgt = data.target.encode(String(example.target)).slice(0, data.targetLength);
    decoderInput.set(data.target.encode('', { start: true }).concat(tgt), i * outWidth);
    decoderTarget.set(tgt.concat(data.target.encode('', { end: true })), i * outWidth);
    targetLengths[i] = tgt.length + 1;
  });
  return { source, decoderInput, decoderTarget, sourceLengths, targetLengths, count: n };
}

interface Batch {
  readonly xs: [tf.Tensor2D, tf.Tensor2D];
  readonly y: tf.Tensor3D;
}

/**
 * Tensors of some pairs, cut to the longest sequence among them (padding is masked, so the
 * cut changes nothing but the cost). Targets are one-hot with all-zero rows at padding.
 */
function makeBatch(pairs: EncodedPairs, data: Seq2seqData, rows: ArrayLike<number>): Batch {
  const inWidth = data.inputLength;
  const outWidth = data.targetLength + 1;
  let srcLen = 1;
  let tgtLen = 1;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as number;
    srcLen = Math.max(srcLen, pairs.sourceLengths[r] ?? 0);
    tgtLen = Math.max(tgtLen, pairs.targetLengths[r] ?? 0);
  }
  const b = rows.length;
  const src = new Int32Array(b * srcLen);
  const decIn = new Int32Array(b * tgtLen);
  const decOut = new Int32Array(b * tgtLen);
  for (let k = 0; k < b; k++) {
    const r = rows[k] as number;
    src.set(pairs.source.subarray(r * inWidth, r * inWidth + srcLen), k * srcLen);
    decIn.set(pairs.decoderInput.subarray(r * outWidth, r * outWidth + tgtLen), k * tgtLen);
    for (let t = 0; t < tgtLen; t++) {
      const id = pairs.decoderTarget[r * outWidth + t] ?? 0;
      decOut[k * tgtLen + t] = id === 0 ? -1 : id; // -1: an all-zero one-hot row (padding)
    }
  }
  return tf.tidy(() => ({
    xs: [tf.tensor2d(src, [b, srcLen], 'int32'), tf.tensor2d(decIn, [b, tgtLen], 'int32')] as [
      tf.Tensor2D,
      tf.Tensor2D,
    ],
    y: tf.cast(
      tf.oneHot(tf.tensor2d(decOut, [b, tgtLen], 'int32'), data.target.size),
      'float32',
    ) as tf.Tensor3D,
  }));
}

function disposeBatch(batch: Batch): void {
  tf.dispose([...batch.xs, batch.y]);
}

/** Masked loss and token accuracy of a split under teacher forcing, token-weighted. */
export async function evaluatePairs(
  model: LayersModel,
  pairs: EncodedPairs,
  data: Seq2seqData,
  batchSize: number,
): Promise<{ loss: number; accuracy: number }> {
  let loss = 0;
  let accuracy = 0;
  let tokens = 0;
  for (let start = 0; start < pairs.count; start += batchSize) {
    const rows = Array.from(
      { length: Math.min(batchSize, pairs.count - start) },
      (_, k) => start + k,
    );
    const batch = makeBatch(pairs, data, rows);
    const weight = rows.reduce((sum, r) => sum + (pairs.targetLengths[r] ?? 0), 0);
    const out = model.evaluate(batch.xs, batch.y, { batchSize: rows.length }) as tf.Scalar[];
    const [l, a] = await Promise.all(out.map((s) => s.data()));
    loss += (l?.[0] ?? NaN) * weight;
    accuracy += (a?.[0] ?? NaN) * weight;
    tokens += weight;
    tf.dispose(out);
    disposeBatch(batch);
  }
  return { loss: loss / Math.max(tokens, 1), accuracy: accuracy / Math.max(tokens, 1) };
}

export interface Seq2seqFitOptions extends LoopOptions, ClipOptions {
  /** Stop after the epoch during which this many minutes have passed (or give `maxSeconds`). */
  readonly maxMinutes?: number | undefined;
  readonly validation?: EncodedPairs | undefined;
}

/**
 * Teacher-forcing training loop: the classifiers' epoch loop (`runEpochs`: seeded batch order
 * per epoch, time budget, NaN check, callbacks that may stop the run, resume from
 * `initialEpoch`), each batch cut to its longest pair, masked loss, gradient clipping through
 * the shared `trainStep`. Epoch figures are token-weighted means.
 */
export async function fitSeq2seq(
  model: LayersModel,
  data: Seq2seqData,
  train: EncodedPairs,
  options: Seq2seqFitOptions,
): Promise<History> {
  const n = train.count;
  if (n === 0)
    throw new SeqpipeError('SEQPIPE_DATA_EMPTY', 'no training pairs: the training split is empty.');
  const { validation } = options;
  const clip = options.clipNorm !== undefined || options.clipValue !== undefined;
  const trainer: BatchTrainer = {
    size: n,
    validationSize: validation?.count ?? 0,
    names: ['loss', 'accuracy'],
    async trainBatch(rows) {
      const batch = makeBatch(train, data, rows);
      try {
        const values = clip
          ? trainStep(model, batch.xs, batch.y, options)
          : ((await model.trainOnBatch(batch.xs, batch.y)) as number[]);
        const weight = rows.reduce((s, r) => s + (train.targetLengths[r] ?? 0), 0);
        return { values, weight };
      } finally {
        disposeBatch(batch);
      }
    },
    ...(validation !== undefined && validation.count > 0
      ? {
          async validate() {
            const val = await evaluatePairs(model, validation, data, options.batchSize);
            return [val.loss, val.accuracy];
          },
        }
      : {}),
  };
  return runEpochs(trainer, {
    ...options,
    maxSeconds:
      options.maxSeconds ??
      (options.maxMinutes !== undefined ? options.maxMinutes * 60 : undefined),
  });
}

export interface TrainSeq2seqOptions extends SessionOptions {
  readonly baseDir: string;
  readonly file?: string;
  readonly artifactDir: string;
}

/** `training.json` of a seq2seq artifact. */
export interface Seq2seqTrainingRecord {
  readonly history: History;
  readonly model: { readonly layers: LayerSummary[]; readonly totalParams: number };
  readonly data: {
    readonly train: number;
    readonly validation: number;
    readonly test: number;
    readonly dropped: number;
    readonly inputVocabularySize: number;
    readonly targetVocabularySize: number;
    readonly inputLength: number;
    readonly targetLength: number;
  };
}

export interface Seq2seqTrainResult {
  readonly manifest: Seq2seqManifest;
  readonly record: Seq2seqTrainingRecord;
  readonly backend: BackendInfo;
  readonly data: Seq2seqData;
  readonly seconds: number;
}

function digest(bytes: Uint8Array | string): FileDigest {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return { sha256: createHash('sha256').update(buffer).digest('hex'), bytes: buffer.byteLength };
}

/** A model.json whose weights file is `bin` (serializeModel names it weights.bin). */
async function modelFiles(model: LayersModel, bin: string): Promise<[string, Uint8Array]> {
  const { modelJson, weights } = await serializeModel(model);
  const json = JSON.parse(modelJson) as tf.io.ModelJSON;
  for (const group of json.weightsManifest) group.paths = [bin];
  return [JSON.stringify(json), weights];
}

/**
 * Trains a seq2seq pipeline (teacher forcing, masked loss) and writes its artifact atomically:
 * manifest.json (task seq2seq), vocabularies.json, the training model (model.json +
 * weights.bin, stock-loadable) and the inference encoder and decoder-step models.
 */
export async function trainSeq2seqPipeline(
  pipeline: Pipeline,
  options: TrainSeq2seqOptions,
): Promise<Seq2seqTrainResult> {
  const log = options.log ?? (() => {});
  const model = pipeline.model;
  if (model.type !== 'encoderDecoder') {
    throw new SeqpipeError(
      'SEQPIPE_SPEC_INVALID',
      'task seq2seq needs model.type "encoderDecoder".',
      {
        issues: [{ path: '/model/type', message: 'not an encoderDecoder model' }],
      },
    );
  }
  const backend = await initBackend(pipeline.backend);
  log(formatBackendInfo(backend));
  const examples = await loadExamples(pipeline.data, {
    baseDir: options.baseDir,
    ...(options.file !== undefined ? { file: options.file } : {}),
  });
  const data = prepareSeq2seqData(pipeline, examples);
  const { train, validation, test } = data.splits;
  log(
    `data: ${examples.length} pairs${data.dropped > 0 ? ` (${data.dropped} longer than preprocess maxLength dropped)` : ''} → train ${train.length} · validation ${validation.length} · test ${test.length} · vocabularies ${data.input.size} source / ${data.target.size} target ids · longest ${data.inputLength} → ${data.targetLength} tokens`,
  );
  const before = tf.memory().numTensors;
  const models = compileEncoderDecoder(pipeline, {
    inputVocabSize: data.input.size,
    targetVocabSize: data.target.size,
    seed: pipeline.seed,
  });
  try {
    const spec = pipeline.train;
    const trainPairs = encodePairs(data, train);
    const valPairs = validation.length > 0 ? encodePairs(data, validation) : undefined;
    const { history, seconds } = await runTrainingSession(
      pipeline,
      models.training,
      options,
      (loop) =>
        fitSeq2seq(models.training, data, trainPairs, {
          ...loop,
          epochs: spec.epochs,
          batchSize: spec.batchSize,
          seed: pipeline.seed,
          validation: valPairs,
          clipNorm: spec.clipNorm,
          clipValue: spec.clipValue,
        }),
    );
    const record: Seq2seqTrainingRecord = {
      history,
      model: { layers: modelSummary(models.training), totalParams: totalParams(models.training) },
      data: {
        train: train.length,
        validation: validation.length,
        test: test.length,
        dropped: data.dropped,
        inputVocabularySize: data.input.size,
        targetVocabularySize: data.target.size,
        inputLength: data.inputLength,
        targetLength: data.targetLength,
      },
    };
    const [trainingJson, trainingWeights] = await modelFiles(models.training, 'weights.bin');
    const [encoderJson, encoderWeights] = await modelFiles(models.encoder, 'encoder.bin');
    const [decoderJson, decoderWeights] = await modelFiles(models.decoderStep, 'decoder.bin');
    const files: Record<string, string | Uint8Array> = {
      'vocabularies.json': `${JSON.stringify({ input: data.input.toJSON(), target: data.target.toJSON() }, null, 2)}\n`,
      'model.json': trainingJson,
      'weights.bin': trainingWeights,
      'encoder.json': encoderJson,
      'encoder.bin': encoderWeights,
      'decoder.json': decoderJson,
      'decoder.bin': decoderWeights,
      'training.json': `${JSON.stringify(record, null, 2)}\n`,
    };
    const epochsRun = history['loss']?.length ?? 0;
    const last = Object.fromEntries(
      Object.entries(history).map(([k, values]) => [k, values[values.length - 1] ?? NaN]),
    );
    const manifest: Seq2seqManifest = {
      formatVersion: 1,
      name: pipeline.name,
      task: 'seq2seq',
      pipelineHash: canonicalHash(pipeline),
      createdAt: new Date().toISOString(),
      seq2seq: {
        cell: model.cell,
        stateSizes: models.stateSizes,
        inputMaxLength: data.inputLength,
        decode: {
          strategy: model.decode.strategy,
          beamWidth: model.decode.beamWidth,
          maxLength: model.decode.maxLength ?? data.targetLength,
        },
      },
      backend: { backend: backend.backend, simd: backend.simd, threads: backend.threads },
      training: {
        seed: pipeline.seed,
        epochs: epochsRun,
        seconds,
        trainSize: train.length,
        validationSize: validation.length,
      },
      metrics: Object.fromEntries(Object.entries(last).filter(([, v]) => Number.isFinite(v))),
      files: Object.fromEntries(
        Object.entries(files).map(([name, bytes]) => [name, digest(bytes)]),
      ),
    };
    await writeDirectoryAtomic(options.artifactDir, async (tmp) => {
      for (const [name, bytes] of Object.entries(files)) await writeFile(join(tmp, name), bytes);
      await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    });
    return { manifest, record, backend, data, seconds };
  } finally {
    models.dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) log(`warning: ${leaked} tensors were not released by training`);
  }
}
