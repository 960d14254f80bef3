import type { CliIo } from '../io.js';
import type { LoadedPipeline } from '../read-pipeline.js';
import { evaluateCommand } from './evaluate.js';
import { predictTexts } from './predict.js';
import { reportCommand } from './report.js';
import { runTraining } from './train.js';
import { artifactDirFor } from '../artifact-files.js';

/** `seqpipe run`: train, evaluate, report, then predict the pipeline's examples. */
export async function runCommand(loaded: LoadedPipeline, io: CliIo): Promise<void> {
  await runTraining(loaded, {}, io);
  const evaluated = await evaluateCommand(loaded, {}, io);
  await reportCommand(loaded, {}, io, evaluated);
  if (loaded.pipeline.evaluate.examples.length > 0) {
    await predictTexts(
      artifactDirFor(loaded.pipeline.name, io.cwd),
      loaded.pipeline.evaluate.examples,
      io,
    );
  }
}
