import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { seededShuffle } from '@seqpipe/data';
import { SeqpipeError } from '@seqpipe/errors';

/** Per-epoch figures, Keras names in camelCase: loss, accuracy, valLoss, valAccuracy. */
export type EpochLogs = Record<string, number>;
/** One array per metric, one value per epoch (Keras' `history.history`). */
export type History = Record<string, number[]>;

export interface TrainBeginInfo {
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly validationSize: number;
}

/** Handed to `onEpochEnd`: lets a callback (early stopping, a time budget) end the run. */
export interface FitControl {
  /** Ends training after this epoch (the other callbacks still see it), with the reason logged. */
  stop(reason: string): void;
}

/** How a run ended: the epochs it ran and, when it stopped before `epochs`, why. */
export interface TrainEndInfo {
  /** Epochs completed in this call (after `initialEpoch`). */
  readonly epochsRun: number;
  /** Index of the last completed epoch, -1 when none. */
  readonly lastEpoch: number;
  readonly stopReason?: string | undefined;
}

export interface TrainCallbacks {
  onTrainBegin?(info: TrainBeginInfo): void;
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(epoch: number, batch: number, batches: number, logs: EpochLogs): void;
  onEpochEnd?(epoch: number, logs: EpochLogs, control?: FitControl): void | Promise<void>;
  onTrainEnd?(info: TrainEndInfo): void | Promise<void>;
}

/** Tensors of one split: token ids [n, maxLen] int32 and targets ([n, 1] or [n, classes]). */
export interface TensorSplit {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor;
}

/** What the shared epoch loop takes, whatever the model kind. */
export interface LoopOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the batch order; the same seed on the same backend gives the same history. */
  readonly seed: number;
  readonly callbacks?: readonly TrainCallbacks[];
  /** First epoch to run (0-based): a resumed run starts after its checkpoint's epoch. */
  readonly initialEpoch?: number | undefined;
  /** History of the epochs before `initialEpoch` (from a checkpoint); extended in place. */
  readonly history?: History | undefined;
  /** Time budget: no epoch starts once this many seconds of training have passed. */
  readonly maxSeconds?: number | undefined;
  /** Seconds of training already spent (a resumed run's earlier part), counted in the budget. */
  readonly elapsedSeconds?: number | undefined;
}

/** Gradient clipping (Keras' `clipnorm` / `clipvalue`). */
export interface ClipOptions {
  /** Clip each gradient tensor to this L2 norm (Keras `clipnorm`). */
  readonly clipNorm?: number | undefined;
  /** Clip each gradient element to [-clipValue, clipValue] (Keras `clipvalue`). */
  readonly clipValue?: number | undefined;
}

export interface FitOptions extends LoopOptions, ClipOptions {
  readonly validation?: TensorSplit | undefined;
  /** Loss weight of each class index (Keras `class_weight`). */
  readonly classWeights?: readonly number[] | undefined;
}

/**
 * One model kind as the shared epoch loop sees it: rows to train on, a step over some of them
 * and a validation pass. `fitModel` (classifiers) and `fitSeq2seq` are such trainers.
 */
export interface BatchTrainer {
  /** Training rows (examples or pairs). */
  readonly size: number;
  readonly validationSize: number;
  /** History keys of the figures `trainBatch` returns, in order (`loss` first). */
  readonly names: readonly string[];
  /**
   * One optimizer step on `rows`: the batch figures in `names` order, and the batch's weight in
   * the epoch means (examples for classifiers, target tokens for seq2seq).
   */
  trainBatch(rows: Int32Array): Promise<{ values: number[]; weight: number }>;
  /** Figures on the validation split in `names` order (logged as valLoss, valAccuracy, ...). */
  validate?(): Promise<number[]>;
}

/** Keras metric names as reported by tfjs-layers, renamed to seqpipe's camelCase history keys. */
function metricKey(name: string): string {
  if (
    name === 'acc' ||
    name === 'binaryAccuracy' ||
    name === 'categoricalAccuracy' ||
    name === 'sparseCategoricalAccuracy'
  ) {
    return 'accuracy';
  }
  return name;
}

/**
 * Trains `model` with a seeded batch order (tfjs' own `fit` shuffles with Math.random).
 * Epoch training figures are batch-size-weighted means over the epoch, as Keras reports them.
 * Owns every tensor it creates: `tf.memory().numTensors` is unchanged afterwards.
 */
export async function fitModel(
  model: LayersModel,
  train: TensorSplit,
  options: FitOptions,
): Promise<History> {
  const n = train.x.shape[0];
  if (n === 0)
    throw new SeqpipeError(
      'SEQPIPE_DATA_EMPTY',
      'no training examples: the training split is empty.',
    );
  const custom =
    options.classWeights !== undefined ||
    options.clipNorm !== undefined ||
    options.clipValue !== undefined;
  const classWeights =
    options.classWeights !== undefined ? tf.tensor1d([...options.classWeights]) : undefined;
  const { validation } = options;
  const trainer: BatchTrainer = {
    size: n,
    validationSize: validation?.x.shape[0] ?? 0,
    names: model.metricsNames.map(metricKey),
    async trainBatch(ids) {
      const [xb, yb] = tf.tidy(() => {
        const index = tf.tensor1d(ids, 'int32');
        return [tf.gather(train.x, index), tf.gather(train.y, index)];
      });
      try {
        const result = custom
          ? trainStep(model, xb, yb, { ...options, classWeights })
          : await model.trainOnBatch(xb, yb);
        return { values: Array.isArray(result) ? result : [result], weight: ids.length };
      } finally {
        xb.dispose();
        yb.dispose();
      }
    },
    ...(validation !== undefined && validation.x.shape[0] > 0
      ? { validate: () => Promise.resolve(evaluateSplit(model, validation, options.batchSize)) }
      : {}),
  };
  try {
    return await runEpochs(trainer, options);
  } finally {
    classWeights?.dispose();
  }
}

/**
 * The epoch loop every model kind shares: time budget, a fresh seeded batch order per epoch,
 * weighted running and epoch means, a `SEQPIPE_TRAIN_FAILED` error on a NaN or infinite loss,
 * validation figures, history, and callbacks that may stop the run.
 */
export async function runEpochs(trainer: BatchTrainer, options: LoopOptions): Promise<History> {
  const n = trainer.size;
  const { epochs, batchSize } = options;
  const callbacks = options.callbacks ?? [];
  const names = trainer.names;
  const indices = Array.from({ length: n }, (_, i) => i);
  const history: History = options.history ?? {};
  const started = performance.now();
  const elapsed = (): number =>
    (options.elapsedSeconds ?? 0) + (performance.now() - started) / 1000;
  let stopReason: string | undefined;
  const control: FitControl = {
    stop: (reason) => {
      stopReason ??= reason;
    },
  };
  const first = options.initialEpoch ?? 0;
  let lastEpoch = first - 1;
  const batches = Math.ceil(n / batchSize);
  for (const cb of callbacks) {
    cb.onTrainBegin?.({ epochs, batchSize, trainSize: n, validationSize: trainer.validationSize });
  }

  for (let epoch = first; epoch < epochs && stopReason === undefined; epoch++) {
    if (options.maxSeconds !== undefined && elapsed() >= options.maxSeconds) {
      stopReason = `time budget of ${(options.maxSeconds / 60).toFixed(2)} min reached before epoch ${epoch + 1}`;
      break;
    }
    for (const cb of callbacks) cb.onEpochBegin?.(epoch);
    // A fresh seeded order every epoch, as Keras' shuffle=True, but reproducible.
    const order = Int32Array.from(seededShuffle(indices, epochSeed(options.seed, epoch)));
    const sums = new Array<number>(names.length).fill(0);
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      const ids = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      const { values, weight } = await trainer.trainBatch(ids);
      values.forEach((v, i) => (sums[i] = (sums[i] ?? 0) + v * weight));
      seen += weight;
      const running: EpochLogs = Object.fromEntries(
        names.map((k, i) => [k, (sums[i] ?? 0) / seen]),
      );
      if (!Number.isFinite(running['loss'] ?? 0)) {
        throw new SeqpipeError(
          'SEQPIPE_TRAIN_FAILED',
          `the loss became ${running['loss']} at epoch ${epoch + 1}, batch ${b + 1}: lower train.optimizer.learningRate or check the data.`,
        );
      }
      for (const cb of callbacks) cb.onBatchEnd?.(epoch, b, batches, running);
    }
    const logs: EpochLogs = Object.fromEntries(
      names.map((k, i) => [k, (sums[i] ?? 0) / Math.max(seen, 1)]),
    );
    if (trainer.validate !== undefined) {
      const val = await trainer.validate();
      names.forEach((k, i) => (logs[`val${k[0]?.toUpperCase()}${k.slice(1)}`] = val[i] ?? NaN));
    }
    for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
    lastEpoch = epoch;
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, control);
  }
  const info: TrainEndInfo = { epochsRun: lastEpoch + 1 - first, lastEpoch, stopReason };
  for (const cb of callbacks) await cb.onTrainEnd?.(info);
  return history;
}

/** A compiled loss or metric as tfjs-layers keeps it: per-example values. */
type PerExample = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export interface StepOptions extends ClipOptions {
  readonly classWeights?: tf.Tensor1D | undefined;
}

/**
 * One training step with what `trainOnBatch` cannot do: per-class loss weights and gradient
 * clipping. Uses the model's own compiled loss and metric functions, so the figures match
 * `trainOnBatch`'s ([loss, ...metrics]); the loss is the batch mean of weighted per-example
 * losses (Keras' sum over batch size).
 */
export function trainStep(
  model: LayersModel,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor,
  o: StepOptions,
): number[] {
  const internals = model as unknown as {
    lossFunctions: PerExample[];
    metricsTensors: Array<[PerExample, number]>;
  };
  const lossFn = internals.lossFunctions[0];
  if (lossFn === undefined) throw new Error('the model is not compiled');
  const variables = model.trainableWeights.map((w) =>
    (w as unknown as { read(): tf.Variable }).read(),
  );
  const values = tf.tidy(() => {
    let metrics: tf.Scalar[] = [];
    const { value, grads } = model.optimizer.computeGradients(() => {
      const pred = model.apply(x, { training: true }) as tf.Tensor;
      let losses = lossFn(y, pred);
      if (o.classWeights !== undefined) {
        const weights =
          y.shape[1] !== undefined && y.shape[1] > 1
            ? tf.sum(tf.mul(y, o.classWeights), -1)
            : tf.gather(o.classWeights, tf.cast(tf.reshape(y, [-1]), 'int32'));
        losses = tf.mul(losses, weights);
      }
      metrics = internals.metricsTensors.map(([fn]) => tf.keep(tf.mean(fn(y, pred))));
      return tf.mean(losses) as tf.Scalar;
    }, variables);
    const clipped: tf.NamedTensorMap = {};
    for (const [name, grad] of Object.entries(grads)) {
      let g = grad;
      if (o.clipValue !== undefined) g = tf.clipByValue(g, -o.clipValue, o.clipValue);
      if (o.clipNorm !== undefined) {
        // As Keras' clip_by_norm: sqrt(sum(g * g)) (tf.norm goes through Pow and Abs).
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        g = tf.div(tf.mul(g, o.clipNorm), tf.maximum(norm, o.clipNorm));
      }
      clipped[name] = g;
    }
    model.optimizer.applyGradients(clipped);
    return [value, ...metrics];
  });
  try {
    return values.map((t) => t.dataSync()[0] ?? NaN);
  } finally {
    tf.dispose(values);
  }
}

/** Loss and metrics of `model` on a split, in `model.metricsNames` order. */
export function evaluateSplit(model: LayersModel, split: TensorSplit, batchSize: number): number[] {
  const out = model.evaluate(split.x, split.y, { batchSize });
  const scalars = Array.isArray(out) ? out : [out];
  try {
    return scalars.map((s) => s.dataSync()[0] ?? NaN);
  } finally {
    tf.dispose(scalars);
  }
}

/** The batch-order seed of one epoch: distinct per epoch, fixed by the run's seed. */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed, 0x9e3779b1) + epoch + 1) >>> 0;
}
