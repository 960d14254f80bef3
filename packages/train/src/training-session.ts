import { performance } from 'node:perf_hooks';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { SeqpipeError, isSeqpipeError } from '@seqpipe/errors';
import type { Pipeline } from '@seqpipe/spec';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { createEarlyStopping } from './early-stopping.js';
import type { History, LoopOptions, TrainCallbacks } from './fit.js';
import { createProgressReporter, type ProgressStream } from './progress.js';
import { createReduceLrOnPlateau } from './reduce-lr-on-plateau.js';
import { canonicalHash } from './save-artifact.js';
import type { StatefulCallback } from './stateful-callback.js';

/** What a training run takes besides the model: shared by classifier and seq2seq training. */
export interface SessionOptions {
  /** The pipeline file, for error messages. */
  readonly file?: string | undefined;
  /** Progress output (a TTY gets a live bar); `false` for none. Default: none. */
  readonly progress?: ProgressStream | false | undefined;
  /** Informational lines (backend, data sizes, resume, early stopping). */
  readonly log?: ((line: string) => void) | undefined;
  readonly callbacks?: readonly TrainCallbacks[] | undefined;
  /**
   * Folder for per-epoch checkpoints (`train.checkpoint`, default on). Without it no
   * checkpoint is written. The CLI uses `artifacts/.checkpoints/<name>/`.
   */
  readonly checkpointDir?: string | undefined;
  /** Continue from the latest checkpoint in `checkpointDir` instead of epoch 1. */
  readonly resume?: boolean | undefined;
}

export interface SessionResult {
  readonly history: History;
  /** Training seconds, a resumed run's earlier part included. */
  readonly seconds: number;
  readonly stopReason?: string | undefined;
}

/**
 * Runs `fit` under the pipeline's training controls, whatever the model kind: early stopping
 * (with restoreBestWeights) and reduce-LR-on-plateau callbacks, a checkpoint after every epoch,
 * resume from the latest checkpoint (weights, optimizer, RNG, history, callback states, time),
 * the time budget, and a NaN error that names the last good checkpoint. `fit` gets the loop
 * options (callbacks, initial epoch, history, budget) and runs the model kind's epoch loop.
 */
export async function runTrainingSession(
  pipeline: Pipeline,
  model: LayersModel,
  options: SessionOptions,
  fit: (loop: Omit<LoopOptions, 'epochs' | 'batchSize' | 'seed'>) => Promise<History>,
): Promise<SessionResult> {
  const log = options.log ?? (() => {});
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
      history = await fit({
        callbacks,
        initialEpoch,
        history,
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
    return { history, seconds: elapsed(), stopReason };
  } finally {
    for (const control of controls) control.dispose?.();
  }
}
