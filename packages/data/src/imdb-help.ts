import { SeqpipeError, describeValue } from '@seqpipe/errors';
import type { LoadOptions } from './data-config.js';

/** Where to get the IMDB data; said whenever it is missing (it cannot be bundled or fetched here). */
export const IMDB_DOWNLOAD = {
  aclImdb:
    'download aclImdb_v1.tar.gz (the Large Movie Review Dataset, Maas et al. 2011, https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz, 84 MB) and extract it with `tar -xzf aclImdb_v1.tar.gz`',
  imdbNpz:
    "get Keras' imdb.npz and imdb_word_index.json (keras.datasets.imdb.load_data() and get_word_index() save them in ~/.keras/datasets/; the files are at https://storage.googleapis.com/tensorflow/tf-keras-datasets/)",
} as const;

/** `SEQPIPE_DATA_NOT_FOUND` for missing IMDB data: what is missing, where to get it, where to put it. */
export function imdbDataMissing(
  kind: keyof typeof IMDB_DOWNLOAD,
  pointer: string,
  configured: string,
  absolute: string,
  what: string,
  options: LoadOptions,
  cause?: unknown,
): SeqpipeError {
  const pipeline = options.file ?? 'the pipeline file';
  const lookup =
    options.dataDir !== undefined
      ? `looked up by its name in --data-dir ${options.dataDir}`
      : `relative to ${options.baseDir}, the folder of the pipeline file`;
  return new SeqpipeError(
    'SEQPIPE_DATA_NOT_FOUND',
    `${what}: ${absolute}. The IMDB data is not shipped and cannot be downloaded by seqpipe: ` +
      `${IMDB_DOWNLOAD[kind]}, then put it at ${absolute} (${pointer} in ${pipeline} is ` +
      `${describeValue(configured)}, ${lookup}), or run with \`--data-dir <folder that holds it>\`.`,
    {
      ...(options.file !== undefined ? { file: options.file } : {}),
      issues: [
        {
          path: pointer,
          message: what,
          expected: `the IMDB data at ${absolute}`,
          received: `${describeValue(configured)} (resolved to ${absolute})`,
          hint: IMDB_DOWNLOAD[kind],
        },
      ],
      ...(cause !== undefined ? { cause } : {}),
    },
  );
}

/** `SEQPIPE_DATA_MALFORMED` for a data file that exists but is not in the expected format. */
export function dataMalformed(
  pointer: string,
  absolute: string,
  problem: string,
  expected: string,
  _options: LoadOptions,
): SeqpipeError {
  return new SeqpipeError(
    'SEQPIPE_DATA_MALFORMED',
    `${absolute} ${problem}. Expected ${expected}; replace the file with an intact copy.`,
    {
      file: absolute,
      issues: [{ path: pointer, message: problem, expected, received: absolute }],
    },
  );
}
