/**
 * Child process of resume.test.ts and train-seq2seq-controls.test.ts: trains a pipeline (classifier or seq2seq) with checkpoints and, in the middle of
 * epoch `--pause-epoch` (1-based), prints "PAUSED" and blocks so the parent can kill -9 it.
 * Run: node --conditions=@seqpipe/source --import tsx train-until-killed.ts <pipeline.json> <artifactDir> <checkpointDir> <pauseEpoch>
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadPipeline } from '@seqpipe/spec';
import { trainPipeline } from '../train-pipeline.js';
import { trainSeq2seqPipeline } from '../train-seq2seq.js';

const [file, artifactDir, checkpointDir, pauseEpoch] = process.argv.slice(2);
if (file === undefined || artifactDir === undefined || checkpointDir === undefined)
  throw new Error(
    'usage: train-until-killed <pipeline.json> <artifactDir> <checkpointDir> <pauseEpoch>',
  );
const pipeline = loadPipeline(readFileSync(file, 'utf8'), file);
const train = pipeline.task === 'seq2seq' ? trainSeq2seqPipeline : trainPipeline;
await train(pipeline, {
  baseDir: dirname(file),
  file,
  artifactDir,
  checkpointDir,
  callbacks: [
    {
      onBatchEnd(epoch, batch) {
        if (epoch + 1 === Number(pauseEpoch) && batch === 1) {
          process.stdout.write('PAUSED\n');
          // Block the whole process mid-epoch (no await: nothing else runs) until killed.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
        }
      },
    },
  ],
});
process.stdout.write('FINISHED\n');
