import { describeValue } from '@seqpipe/errors';
import type { SourceItem } from './data-source.js';
import type { TextLine } from './read-lines.js';

/** A parsed row of a delimited file, numbered by the line it starts on. */
export type DelimitedItem =
  | { readonly kind: 'row'; readonly cells: string[]; readonly line: number }
  | Extract<SourceItem, { kind: 'issue' }>;

export interface DelimitedOptions {
  /** One character that separates fields. */
  readonly delimiter: string;
  /**
   * RFC 4180 quoting (csv): a field that starts with `"` runs to the next lone `"`, may hold
   * the delimiter and line breaks, and `""` inside it is one `"`. Off (tsv): every character is
   * literal and each line is one row.
   */
  readonly quoting: boolean;
  /**
   * Report blank lines between records as issues (tsv pair files: a blank line there is a
   * lost pair, not formatting). Blank lines at the end of the file are still skipped.
   */
  readonly reportBlankLines?: boolean | undefined;
}

/**
 * Turns lines into rows. Blank lines (only whitespace) between rows are skipped; a line
 * break inside a quoted field is kept as `\n`. A stray character after a closing quote or a
 * quote never closed is yielded as an issue at `/data/source/path`, never dropped silently.
 * A `"` inside an unquoted field is taken literally.
 */
export async function* readDelimitedRows(
  lines: AsyncIterable<TextLine>,
  options: DelimitedOptions,
): AsyncGenerator<DelimitedItem> {
  const { delimiter, quoting } = options;
  let cells: string[] = [];
  let field = '';
  let pendingLine: number | undefined; // set while a quoted field spans lines
  const blank: number[] = []; // blank lines since the last record
  for await (const { text, line } of lines) {
    if (pendingLine === undefined) {
      if (text.trim() === '') {
        if (options.reportBlankLines === true) blank.push(line);
        continue;
      }
      for (const at of blank.splice(0)) {
        yield {
          kind: 'issue',
          line: at,
          issue: {
            path: '/data/source/path',
            message: `line ${at} is blank between records`,
            received: 'an empty line',
            hint: 'delete the blank line or restore the pair it held (each line is one tab-separated record)',
          },
        };
      }
      if (!quoting) {
        yield { kind: 'row', cells: text.split(delimiter), line };
        continue;
      }
      cells = [];
      field = '';
    } else {
      field += '\n';
    }
    const start = pendingLine ?? line;
    const parsed = parseCsvLine(text, delimiter, cells, field, pendingLine !== undefined);
    if (parsed.kind === 'open') {
      pendingLine = start;
      field = parsed.field;
      continue;
    }
    pendingLine = undefined;
    if (parsed.kind === 'error') {
      yield {
        kind: 'issue',
        line: start,
        issue: {
          path: '/data/source/path',
          message: `line ${line}${line !== start ? ` (in the record that starts on line ${start})` : ''}: ${parsed.message}`,
          received: describeValue(text),
          hint: 'quote the whole field and double every quote inside it: "say ""hi"", then go"',
        },
      };
      continue;
    }
    yield { kind: 'row', cells, line: start };
  }
  if (pendingLine !== undefined) {
    yield {
      kind: 'issue',
      line: pendingLine,
      issue: {
        path: '/data/source/path',
        message: `line ${pendingLine}: a quoted field opened on this line is never closed (the file ends inside it)`,
        received: describeValue(field),
        hint: 'add the closing " (a quote inside a quoted field is written "")',
      },
    };
  }
}

type LineResult =
  { kind: 'done' } | { kind: 'open'; field: string } | { kind: 'error'; message: string };

/**
 * Parses one physical line into `cells`, continuing a quoted `field` when `inQuotes`.
 * Returns `open` when the line ends inside quotes (the record continues on the next line).
 */
function parseCsvLine(
  text: string,
  delimiter: string,
  cells: string[],
  field: string,
  inQuotes: boolean,
): LineResult {
  let quoted = inQuotes;
  let afterQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        quoted = false;
        afterQuote = true;
      }
    } else if (c === delimiter) {
      cells.push(field);
      field = '';
      afterQuote = false;
    } else if (afterQuote) {
      return {
        kind: 'error',
        message: `unexpected ${describeValue(c)} after the closing quote of field ${cells.length + 1} (column ${i + 1}); expected the delimiter ${describeValue(delimiter)} or the end of the line`,
      };
    } else if (c === '"' && field === '') {
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) return { kind: 'open', field };
  cells.push(field);
  return { kind: 'done' };
}
