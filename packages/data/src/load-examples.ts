import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';
import { cleanText } from '@seqpipe/text';
import type {
  DataConfig,
  DataSourceConfigOf,
  DataSourceType,
  Example,
  FieldKey,
  LoadOptions,
} from './data-config.js';
import type { DataSource } from './data-source.js';
import { resolveDataPath } from './read-lines.js';
import { dataSources } from './sources/data-sources.js';

const DEFAULT_MAX_ISSUES = 10;

/**
 * Reads every example of a pipeline's `data` section, in file order. Bad records do not stop
 * reading at once: up to `maxIssues` (10) problems are gathered and thrown together as one
 * `SEQPIPE_DATA_MALFORMED`, each with its line and a JSON Pointer into the pipeline. No
 * record is skipped silently. Throws `SEQPIPE_DATA_NOT_FOUND` for a missing file and
 * `SEQPIPE_DATA_EMPTY` when there is no record at all.
 */
export async function loadExamples(data: DataConfig, options: LoadOptions): Promise<Example[]> {
  checkFieldKey(data.input, 'input', options);
  checkFieldKey(data.target, 'target', options);
  const source = sourceFor(data.source.type, options);
  const maxIssues = options.maxIssues ?? DEFAULT_MAX_ISSUES;

  const examples: Example[] = [];
  const issues: Issue[] = [];
  const lines: number[] = [];
  let stopped = false;
  for await (const item of source.read(data.source, data, options)) {
    if (item.kind === 'example') {
      const { example } = item;
      if (data.clean !== undefined) example.input = cleanText(example.input, data.clean);
      examples.push(example);
      continue;
    }
    issues.push(item.issue);
    if (item.line !== undefined && !lines.includes(item.line)) lines.push(item.line);
    if (issues.length >= maxIssues) {
      stopped = true;
      break;
    }
  }

  const where = source.describe(data.source, options);
  const file = dataFile(data, options);
  if (issues.length > 0) {
    const at =
      lines.length > 0 ? ` (${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')})` : '';
    const count = stopped
      ? `the first ${issues.length} problems`
      : plural(issues.length, 'problem');
    throw new SeqpipeError(
      'SEQPIPE_DATA_MALFORMED',
      `${count} in ${where}${at}${stopped ? ', reading stopped there' : ''}; each is listed below. ` +
        'Fix those records, or point /data/input and /data/target at the fields the records have.',
      { ...(file !== undefined ? { file } : {}), issues },
    );
  }
  if (examples.length === 0) {
    const isInline = data.source.type === 'inline';
    throw new SeqpipeError(
      'SEQPIPE_DATA_EMPTY',
      `no examples in ${where}: it has no records${isInline ? '' : ' (blank lines and a header do not count)'}. ` +
        `Add records, or point ${isInline ? '/data/source' : '/data/source/path'} at the right data.`,
      {
        ...(file !== undefined ? { file } : {}),
        issues: [
          {
            path: isInline ? '/data/source/records' : '/data/source/path',
            message: 'the data has no records',
            expected: 'at least one record',
            received: isInline ? '[]' : 'an empty file',
          },
        ],
      },
    );
  }
  return examples;
}

/** Looks a source up; the cast is the one place the union meets the registry. */
function sourceFor(
  type: DataSourceType,
  options: LoadOptions,
): DataSource<DataSourceConfigOf<DataSourceType>> {
  if (!Object.hasOwn(dataSources, type)) {
    const known = Object.keys(dataSources);
    throw new SeqpipeError(
      'SEQPIPE_SPEC_INVALID',
      `unknown data source type ${describeValue(type)} at /data/source/type. Known types: ${known.join(', ')}.`,
      {
        ...(options.file !== undefined ? { file: options.file } : {}),
        issues: [
          {
            path: '/data/source/type',
            message: 'unknown data source type',
            expected: known.map((k) => `"${k}"`).join(' | '),
            received: describeValue(type),
          },
        ],
      },
    );
  }
  return dataSources[type] as DataSource<DataSourceConfigOf<DataSourceType>>;
}

function checkFieldKey(key: FieldKey, role: 'input' | 'target', options: LoadOptions): void {
  if (typeof key === 'string' ? key !== '' : Number.isSafeInteger(key) && key >= 0) return;
  throw new SeqpipeError(
    'SEQPIPE_SPEC_INVALID',
    `/data/${role} must be a field name or a 0-based column index, got ${describeValue(key)}.`,
    {
      ...(options.file !== undefined ? { file: options.file } : {}),
      issues: [
        {
          path: `/data/${role}`,
          message: 'not a field name or column index',
          expected: 'a non-empty string or an integer ≥ 0',
          received: describeValue(key),
        },
      ],
    },
  );
}

/** The file errors are about: the data file, or the pipeline for inline records. */
function dataFile(data: DataConfig, options: LoadOptions): string | undefined {
  if (!('path' in data.source)) return options.file;
  return resolveDataPath(data.source.path, options);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
