import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';
import { closestName } from '../closest-name.js';
import type { DataSourceConfigOf, FieldMapping, LoadOptions } from '../data-config.js';
import type { DataSource, SourceItem } from '../data-source.js';
import { readDelimitedRows, type DelimitedOptions } from '../delimited-rows.js';
import { pickExample } from '../pick-example.js';
import { readLines, resolveDataPath } from '../read-lines.js';

/**
 * Comma-separated values (RFC 4180 quoting). `header` (default true) names the columns by
 * the first record; `delimiter` (default `","`) is one character other than `"` or a line break.
 * Cells are strings: a target `1` in a csv file is the string `"1"`.
 */
export const csvSource: DataSource<DataSourceConfigOf<'csv'>> = {
  read(config, fields, options) {
    const delimiter = config.delimiter ?? ',';
    checkDelimiter(delimiter, options);
    return readTable(
      config.path,
      config.header ?? true,
      { delimiter, quoting: true },
      fields,
      options,
    );
  },
  describe: (config, options) => `data file ${resolveDataPath(config.path, options)}`,
};

/**
 * Tab-separated values: each line is one record split on tabs, no quoting (IANA TSV, the
 * Anki/Tatoeba `eng-fra.txt` layout). `header` defaults to false: columns by 0-based index.
 */
export const tsvSource: DataSource<DataSourceConfigOf<'tsv'>> = {
  read(config, fields, options) {
    return readTable(
      config.path,
      config.header ?? false,
      { delimiter: '\t', quoting: false, reportBlankLines: true },
      fields,
      options,
    );
  },
  describe: (config, options) => `data file ${resolveDataPath(config.path, options)}`,
};

async function* readTable(
  path: string,
  header: boolean,
  format: DelimitedOptions,
  fields: FieldMapping,
  options: LoadOptions,
): AsyncGenerator<SourceItem> {
  if (!header) checkNoFieldNames(fields, options);
  let names: string[] | undefined;
  for await (const item of readDelimitedRows(readLines(path, options), format)) {
    if (item.kind === 'issue') {
      yield item;
      continue;
    }
    if (header && names === undefined) {
      names = item.cells;
      checkHeader(names, item.line, fields, resolveDataPath(path, options), options);
      continue;
    }
    yield* pickExample({ kind: 'row', cells: item.cells, names }, fields, {
      label: `line ${item.line}`,
      line: item.line,
    });
  }
}

function checkDelimiter(delimiter: string, options: LoadOptions): void {
  if ([...delimiter].length === 1 && !'"\r\n'.includes(delimiter)) return;
  throw configError(
    `/data/source/delimiter must be one character other than a quote or a line break, got ${describeValue(delimiter)}.`,
    [
      {
        path: '/data/source/delimiter',
        message: 'not a usable delimiter',
        expected: 'one character, e.g. "," or ";"',
        received: describeValue(delimiter),
      },
    ],
    options,
  );
}

function checkNoFieldNames(fields: FieldMapping, options: LoadOptions): void {
  const issues: Issue[] = [];
  for (const role of ['input', 'target'] as const) {
    const key = fields[role];
    if (typeof key === 'string') {
      issues.push({
        path: `/data/${role}`,
        message: `names the column "${key}", but the file has no header row`,
        expected: 'a 0-based column index',
        received: describeValue(key),
        hint: 'use a column index such as 0, or set /data/source/header to true',
      });
    }
  }
  if (issues.length > 0) {
    throw configError(
      'the data file has no header (/data/source/header is false), so /data/input and /data/target must be column indexes.',
      issues,
      options,
    );
  }
}

function checkHeader(
  names: readonly string[],
  line: number,
  fields: FieldMapping,
  file: string,
  options: LoadOptions,
): void {
  const issues: Issue[] = [];
  for (const role of ['input', 'target'] as const) {
    const key = fields[role];
    if (typeof key !== 'string' || names.includes(key)) continue;
    const guess = closestName(key, names);
    issues.push({
      path: `/data/${role}`,
      message: `line ${line} (the header) has no column "${key}"`,
      received: `the columns ${names.map((n) => JSON.stringify(n)).join(', ')}`,
      hint:
        guess !== undefined
          ? `did you mean "${guess}"?`
          : 'use one of the header names, a 0-based column index, or set /data/source/header to false if the first line is data',
    });
  }
  if (issues.length > 0) {
    const pipeline = options.file !== undefined ? ` in ${options.file}` : '';
    throw new SeqpipeError(
      'SEQPIPE_DATA_MALFORMED',
      `the header of data file ${file} (line ${line}) lacks the column(s) named by /data/input or /data/target${pipeline}. Rename the field(s) in the pipeline or the header.`,
      { file, issues },
    );
  }
}

function configError(message: string, issues: Issue[], options: LoadOptions): SeqpipeError {
  return new SeqpipeError(
    'SEQPIPE_SPEC_INVALID',
    `${message}${options.file !== undefined ? ` (${options.file})` : ''}`,
    { ...(options.file !== undefined ? { file: options.file } : {}), issues },
  );
}
