import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SeqpipeError } from '@seqpipe/errors';
import { loadPipeline, type Pipeline } from '@seqpipe/spec';

export interface LoadedPipeline {
  readonly pipeline: Pipeline;
  /** The path as the user gave it (for messages). */
  readonly file: string;
  /** Directory relative data paths resolve against. */
  readonly baseDir: string;
  /** `--data-dir`: data files are looked up by name in this folder instead (see @seqpipe/data). */
  readonly dataDir?: string | undefined;
}

/** Reads and validates a pipeline file; every problem surfaces as a SeqpipeError naming the file. */
export async function readPipeline(file: string, cwd: string): Promise<LoadedPipeline> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      code === 'ENOENT'
        ? `pipeline file ${file} does not exist (looked at ${path}). Pass the path of a pipeline JSON, e.g. pipelines/sentiment-rnn.json.`
        : `cannot read pipeline file ${file}: ${(error as Error).message}`,
      { file, cause: error },
    );
  }
  return { pipeline: loadPipeline(text, file), file, baseDir: dirname(path) };
}
