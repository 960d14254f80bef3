import { describeValue } from '@seqpipe/errors';
import { DocumentReader } from './document-reader.js';
import { countOf, throwInvalid } from './invalid-input.js';

/**
 * The shell every `metrics.json` reader shares: the JSON syntax, a `schemaVersion` newer than this
 * seqpipe reads, then the document's own checks (`read`), whose problems are all thrown at once as
 * one `SEQPIPE_EVAL_INVALID` error naming the file and each JSON Pointer path.
 */
export function parseMetricsFile<T>(
  json: string,
  file: string,
  hint: string,
  read: (reader: DocumentReader, value: unknown) => T,
): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throwInvalid(
      `Metrics file ${file} is not valid JSON: ${reason}`,
      [
        {
          path: '',
          message: 'not valid JSON',
          expected: 'a JSON object',
          received: describeValue(json),
        },
      ],
      { file, hint },
    );
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > 1) {
    throwInvalid(
      `Metrics file ${file} has schemaVersion ${describeValue(version)}:`,
      [
        {
          path: '/schemaVersion',
          message: 'written by a newer seqpipe',
          expected: '1',
          received: describeValue(version),
        },
      ],
      { file, hint: 'Upgrade seqpipe to read it, or regenerate the file with this version.' },
    );
  }
  const reader = new DocumentReader();
  const result = read(reader, value);
  if (reader.issues.length > 0) {
    throwInvalid(
      `Invalid metrics file ${file} (${countOf(reader.issues.length, 'problem')}):`,
      reader.issues,
      { file, hint },
    );
  }
  return result;
}
