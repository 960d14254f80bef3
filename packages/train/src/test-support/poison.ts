import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { isSeqpipeError } from '@seqpipe/errors';
import type { TrainCallbacks } from '../fit.js';

/** A callback that fills the first variable whose name matches with NaN as epoch 3 starts. */
export function poisonAtEpoch3(name: RegExp): TrainCallbacks {
  return {
    onEpochBegin(epoch) {
      if (epoch !== 2) return;
      const variables = Object.values(tf.engine().registeredVariables);
      const kernel = variables.find((v) => name.test(v.name));
      kernel?.assign(tf.fill(kernel.shape, NaN));
    },
  };
}

/** The run poisoned by `poisonAtEpoch3` failed clearly and kept epoch 2's checkpoint. */
export async function expectNanStop(error: unknown, checkpoints: string): Promise<void> {
  expect(isSeqpipeError(error) && error.code).toBe('SEQPIPE_TRAIN_FAILED');
  expect((error as Error).message).toMatch(
    /^the loss became NaN at epoch 3, batch 1: .* The last good checkpoint \(epoch 2\) is kept in /,
  );
  expect(JSON.parse(await readFile(join(checkpoints, 'latest.json'), 'utf8')).epoch).toBe(1);
  const state = JSON.parse(
    await readFile(join(checkpoints, 'epoch-0002', 'state.json'), 'utf8'),
  ) as { history: { loss: number[] } };
  expect(state.history.loss.every(Number.isFinite)).toBe(true);
}
