import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SeqpipeError, describeValue, isSeqpipeError } from '@seqpipe/errors';
import type { LoadOptions } from './data-config.js';

/** One physical line of a data file, numbered from 1, without its line break. */
export interface TextLine {
  readonly text: string;
  readonly line: number;
}

/**
 * A data path from the pipeline, resolved against the pipeline file's directory; with
 * `dataDir` (`--data-dir`) it is looked up by its last name in that folder instead
 * (`data/imdb/imdb.npz` -> `<dataDir>/imdb.npz`).
 */
export function resolveDataPath(path: string, options: LoadOptions): string {
  if (options.dataDir !== undefined) return resolve(options.dataDir, basename(path));
  return resolve(options.baseDir, path);
}

/**
 * Streams a UTF-8 file line by line (`node:readline` over `fs.createReadStream`, never the
 * whole file in one string). Strips a leading BOM. `\n`, `\r\n` and `\r` all end a line.
 * A missing or unreadable file throws `SEQPIPE_DATA_NOT_FOUND` naming `/data/source/path`.
 */
export async function* readLines(path: string, options: LoadOptions): AsyncGenerator<TextLine> {
  const absolute = resolveDataPath(path, options);
  let isFile: boolean;
  try {
    isFile = (await stat(absolute)).isFile();
  } catch (error) {
    throw notFound(path, absolute, options, 'does not exist', error);
  }
  if (!isFile) throw notFound(path, absolute, options, 'is not a file (a folder?)');

  const stream = createReadStream(absolute, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      yield { text: line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw, line };
    }
  } catch (error) {
    if (isSeqpipeError(error)) throw error;
    throw notFound(path, absolute, options, `could not be read after line ${line}`, error);
  } finally {
    lines.close();
    stream.destroy();
  }
}

function notFound(
  path: string,
  absolute: string,
  options: LoadOptions,
  what: string,
  cause?: unknown,
): SeqpipeError {
  const reason = cause instanceof Error ? ` (${cause.message})` : '';
  const pipeline = options.file ?? 'the pipeline file';
  return new SeqpipeError(
    'SEQPIPE_DATA_NOT_FOUND',
    `data file ${absolute} ${what}${reason}. /data/source/path in ${pipeline} is ${describeValue(path)}, ` +
      `resolved against ${options.baseDir}. Fix the path (relative to the pipeline file) or create the file.`,
    {
      ...(options.file !== undefined ? { file: options.file } : {}),
      issues: [
        {
          path: '/data/source/path',
          message: `the data file ${what}`,
          expected: `a data file, relative to ${options.baseDir}`,
          received: `${describeValue(path)} (resolved to ${absolute})`,
          hint: 'paths are relative to the folder of the pipeline file',
        },
      ],
      ...(cause !== undefined ? { cause } : {}),
    },
  );
}
