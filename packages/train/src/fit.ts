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

export interface TrainCallbacks {
  onTrainBegin?(info: TrainBeginInfo): void;
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(epoch: number, batch: number, batches: number, logs: EpochLogs): void;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
}

/** Tensors of one split: token ids [n, maxLen] int32 and targets ([n, 1] or [n, classes]). */
export interface TensorSplit {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor;
}

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the batch order; the same seed on the same backend gives the same history. */
  readonly seed: number;
  readonly validation?: TensorSplit | undefined;
  readonly callbacks?: readonly TrainCallbacks[];
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
  const { epochs, batchSize } = options;
  if (n === 0)
    throw new SeqpipeError(
      'SEQPIPE_DATA_EMPTY',
      'no training examples: the training split is empty.',
    );
  const callbacks = options.callbacks ?? [];
  const names = model.metricsNames.map(metricKey);
  const indices = Array.from({ length: n }, (_, i) => i);
  const history: History = {};
  const batches = Math.ceil(n / batchSize);
  for (const cb of callbacks) {
    cb.onTrainBegin?.({
      epochs,
      batchSize,
      trainSize: n,
      validationSize: options.validation?.x.shape[0] ?? 0,
    });
  }

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const cb of callbacks) cb.onEpochBegin?.(epoch);
    // A fresh seeded order every epoch, as Keras' shuffle=True, but reproducible.
    const order = Int32Array.from(seededShuffle(indices, epochSeed(options.seed, epoch)));
    const sums = new Array<number>(names.length).fill(0);
    for (let b = 0; b < batches; b++) {
      const ids = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      const [xb, yb] = tf.tidy(() => {
        const index = tf.tensor1d(ids, 'int32');
        return [tf.gather(train.x, index), tf.gather(train.y, index)];
      });
      let result: number | number[];
      try {
        result = await model.trainOnBatch(xb, yb);
      } finally {
        xb.dispose();
        yb.dispose();
      }
      const values = Array.isArray(result) ? result : [result];
      values.forEach((v, i) => (sums[i] = (sums[i] ?? 0) + v * ids.length));
      const seen = Math.min(n, (b + 1) * batchSize);
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
    const logs: EpochLogs = Object.fromEntries(names.map((k, i) => [k, (sums[i] ?? 0) / n]));
    if (options.validation !== undefined && options.validation.x.shape[0] > 0) {
      const val = evaluateSplit(model, options.validation, batchSize);
      names.forEach((k, i) => (logs[`val${k[0]?.toUpperCase()}${k.slice(1)}`] = val[i] ?? NaN));
    }
    for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
  }
  return history;
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
