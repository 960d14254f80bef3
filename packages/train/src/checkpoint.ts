import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { SeqpipeError } from '@seqpipe/errors';
import { dropoutSteps, setDropoutSteps } from '@seqpipe/spec';
import type { History } from './fit.js';
import { getLearningRate, setLearningRate } from './learning-rate.js';
import type { StatefulCallback } from './stateful-callback.js';
import { writeDirectoryAtomic, writeFileAtomic } from './write-file-atomic.js';

/** Where one tensor is in a checkpoint's `tensors.bin`. */
interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly offset: number;
  readonly length: number;
}

/** `state.json` of a checkpoint: everything besides the tensor bytes. */
export interface CheckpointState {
  readonly formatVersion: 1;
  /** Canonical hash of the pipeline: a checkpoint resumes only the pipeline that wrote it. */
  readonly pipelineHash: string;
  /** The last completed epoch (0-based). */
  readonly epoch: number;
  readonly history: History;
  /** Training seconds so far (for the time budget and the report). */
  readonly seconds: number;
  readonly learningRate: number;
  /** Steps taken by every seeded dropout stream (the RNG position). */
  readonly dropoutSteps: number[];
  readonly weights: TensorEntry[];
  readonly optimizer: TensorEntry[];
  /**
   * Optimizer internals `getWeights` leaves out: Adam's running beta powers (`accBeta1`,
   * `accBeta2`). `setWeights` recomputes them as beta^(t+1), which differs in the last bits
   * from the product the uninterrupted run accumulated; saving them keeps resume bit-exact.
   */
  readonly optimizerExtra?: TensorEntry[];
  readonly callbacks: Record<string, { json: unknown; tensors: TensorEntry[] }>;
}

export interface CheckpointContents {
  readonly model: LayersModel;
  readonly pipelineHash: string;
  readonly epoch: number;
  readonly history: History;
  readonly seconds: number;
  readonly callbacks: readonly StatefulCallback[];
}

const LATEST = 'latest.json';
const epochDir = (epoch: number): string => `epoch-${String(epoch + 1).padStart(4, '0')}`;

/**
 * Writes a checkpoint atomically: the epoch's files go to `<dir>/epoch-NNNN/` (a temporary
 * directory renamed into place), then `<dir>/latest.json` is replaced (temp file + rename) to
 * point at it, then older epochs are removed. A kill at any moment leaves `latest.json`
 * pointing at a complete checkpoint. Holds model weights, optimizer slots (Adam moments and
 * step count), learning rate, dropout RNG positions, history and callback states.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const { model } = contents;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = async (name: string, tensor: tf.Tensor): Promise<TensorEntry> => {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const values = await tensor.data();
    const typed = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    const bytes = new Uint8Array(typed.buffer);
    chunks.push(bytes);
    const entry: TensorEntry = {
      name,
      shape: [...tensor.shape],
      dtype,
      offset,
      length: bytes.length,
    };
    offset += bytes.length;
    return entry;
  };
  const weights: TensorEntry[] = [];
  for (const [i, w] of model.getWeights().entries())
    weights.push(await add(model.weights[i]?.originalName ?? `w${i}`, w));
  const optimizer: TensorEntry[] = [];
  const slots = await model.optimizer.getWeights();
  try {
    for (const slot of slots) optimizer.push(await add(slot.name, slot.tensor));
  } finally {
    // getWeights returns the slot variables themselves plus a fresh step-count scalar.
    tf.dispose(slots.map((s) => s.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
  const optimizerExtra: TensorEntry[] = [];
  for (const [name, variable] of optimizerInternals(model.optimizer))
    optimizerExtra.push(await add(name, variable));
  const callbacks: CheckpointState['callbacks'] = {};
  for (const cb of contents.callbacks) {
    const state = cb.getState();
    const entries: TensorEntry[] = [];
    for (const [i, t] of (state.tensors ?? []).entries())
      entries.push(await add(`${cb.stateKey}/${i}`, t));
    callbacks[cb.stateKey] = { json: state.json, tensors: entries };
  }
  const state: CheckpointState = {
    formatVersion: 1,
    pipelineHash: contents.pipelineHash,
    epoch: contents.epoch,
    history: contents.history,
    seconds: contents.seconds,
    learningRate: getLearningRate(model.optimizer),
    dropoutSteps: dropoutSteps(model),
    weights,
    optimizer,
    optimizerExtra,
    callbacks,
  };
  const name = epochDir(contents.epoch);
  await writeDirectoryAtomic(join(dir, name), async (tmp) => {
    await writeFile(join(tmp, 'tensors.bin'), Buffer.concat(chunks));
    await writeFile(join(tmp, 'state.json'), `${JSON.stringify(state)}\n`);
  });
  await writeFileAtomic(
    join(dir, LATEST),
    `${JSON.stringify({ epoch: contents.epoch, dir: name })}\n`,
  );
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('epoch-') && entry !== name)
      await rm(join(dir, entry), { recursive: true, force: true });
  }
}

/** A checkpoint read back: its state and a function that loads it into a freshly compiled model. */
export interface LoadedCheckpoint {
  readonly state: CheckpointState;
  /** Puts weights, optimizer slots, learning rate, dropout positions and callback states back. */
  restore(model: LayersModel, callbacks: readonly StatefulCallback[]): Promise<void>;
}

/**
 * Reads the latest checkpoint in `dir`. Throws `SEQPIPE_ARTIFACT_NOT_FOUND` when there is none
 * and `SEQPIPE_ARTIFACT_INVALID` when it is damaged or from another pipeline.
 */
export async function loadCheckpoint(dir: string, pipelineHash: string): Promise<LoadedCheckpoint> {
  let latest: { dir: string };
  try {
    latest = JSON.parse(await readFile(join(dir, LATEST), 'utf8')) as { dir: string };
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_NOT_FOUND',
      `no checkpoint to resume from in ${dir} (${(error as Error).message}). Train without --resume to start from epoch 1.`,
      { cause: error },
    );
  }
  const at = join(dir, latest.dir);
  let state: CheckpointState;
  let bytes: Buffer;
  try {
    state = JSON.parse(await readFile(join(at, 'state.json'), 'utf8')) as CheckpointState;
    bytes = await readFile(join(at, 'tensors.bin'));
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `the checkpoint ${at} is unreadable (${(error as Error).message}). Delete ${dir} and train without --resume.`,
      { cause: error },
    );
  }
  if (state.pipelineHash !== pipelineHash) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `the checkpoint in ${dir} was written by a different version of this pipeline (hash ${state.pipelineHash.slice(0, 12)}, now ${pipelineHash.slice(0, 12)}): a resumed run must train the same pipeline. Restore the pipeline file, or train without --resume.`,
    );
  }
  const tensor = (e: TensorEntry): tf.Tensor => {
    const slice = bytes.subarray(e.offset, e.offset + e.length);
    const copy = new Uint8Array(slice).buffer;
    return tf.tensor(
      e.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy),
      e.shape,
      e.dtype,
    );
  };
  return {
    state,
    async restore(model, callbacks) {
      const weights = state.weights.map(tensor);
      try {
        model.setWeights(weights);
      } finally {
        tf.dispose(weights);
      }
      const slots = state.optimizer.map((e) => ({ name: e.name, tensor: tensor(e) }));
      try {
        await model.optimizer.setWeights(slots);
      } finally {
        tf.dispose(slots.map((s) => s.tensor));
      }
      const internals = new Map(optimizerInternals(model.optimizer));
      for (const entry of state.optimizerExtra ?? []) {
        const value = tensor(entry);
        internals.get(entry.name)?.assign(value);
        value.dispose();
      }
      setLearningRate(model.optimizer, state.learningRate);
      setDropoutSteps(model, state.dropoutSteps);
      for (const cb of callbacks) {
        const saved = state.callbacks[cb.stateKey];
        if (saved !== undefined) cb.setState(saved.json, saved.tensors.map(tensor));
      }
    },
  };
}

/** The optimizer variables outside `getWeights` that a bit-exact resume needs (Adam's beta powers). */
function optimizerInternals(optimizer: tf.Optimizer): Array<[string, tf.Variable]> {
  const found: Array<[string, tf.Variable]> = [];
  for (const name of ['accBeta1', 'accBeta2']) {
    const value = (optimizer as unknown as Record<string, unknown>)[name];
    if (value instanceof tf.Variable) found.push([name, value]);
  }
  return found;
}
