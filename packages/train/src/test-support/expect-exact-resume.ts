import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { loadPipeline, type Pipeline } from '@seqpipe/spec';
import type { History } from '../fit.js';
import { trainAndKill } from './train-and-kill.js';

/** trainPipeline or trainSeq2seqPipeline, as far as the resume check uses them. */
export type TrainFunction = (
  pipeline: Pipeline,
  options: {
    baseDir: string;
    artifactDir: string;
    checkpointDir: string;
    resume?: boolean;
    log?: (line: string) => void;
  },
) => Promise<{ readonly record: { readonly history: History } }>;

/**
 * The resume check every trainer passes (resume.test.ts, train-seq2seq-controls.test.ts):
 * an uninterrupted run of `spec` (4 epochs) in `<dir>/full`; the same pipeline trained in a child
 * process killed (SIGKILL) in the middle of epoch 3, which leaves epoch 2's checkpoint as the
 * only and latest one; then `resume: true` from it, which logs where it resumes, ends with the
 * same history and the same `artifactFiles`, byte for byte, as the uninterrupted run, and leaves
 * no tensor behind.
 */
export async function expectKilledRunResumesExactly(options: {
  readonly dir: string;
  /** The pipeline JSON (4 epochs); written to `<dir>/<name>.json` for the child process. */
  readonly spec: { readonly name: string };
  readonly train: TrainFunction;
  /** Artifact files compared with the uninterrupted run's. */
  readonly artifactFiles: readonly string[];
}): Promise<void> {
  const { dir, spec, train } = options;
  const file = join(dir, `${spec.name}.json`);
  const pipeline = loadPipeline(JSON.stringify(spec), `${spec.name}.json`);
  const full = await train(pipeline, {
    baseDir: dir,
    artifactDir: join(dir, 'full'),
    checkpointDir: join(dir, 'full-checkpoints'),
  });
  expect(full.record.history['loss']).toHaveLength(4);

  await writeFile(file, JSON.stringify(spec));
  const checkpoints = join(dir, 'killed-checkpoints');
  await trainAndKill(file, join(dir, 'killed'), checkpoints, 3);
  // Killed in epoch 3: the checkpoint of epoch 2 is the latest, complete one.
  expect(JSON.parse(await readFile(join(checkpoints, 'latest.json'), 'utf8'))).toEqual({
    epoch: 1,
    dir: 'epoch-0002',
  });
  expect((await readdir(checkpoints)).filter((f) => f.startsWith('epoch-'))).toEqual([
    'epoch-0002',
  ]);

  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const resumed = await train(pipeline, {
    baseDir: dir,
    artifactDir: join(dir, 'killed'),
    checkpointDir: checkpoints,
    resume: true,
    log: (line) => lines.push(line),
  });
  expect(lines).toContain(`resuming after epoch 2/4 from the checkpoint in ${checkpoints}`);
  expect(resumed.record.history).toEqual(full.record.history);
  for (const name of options.artifactFiles) {
    expect(await readFile(join(dir, 'killed', name)), name).toEqual(
      await readFile(join(dir, 'full', name)),
    );
  }
  expect(tf.memory().numTensors).toBe(before);
}
