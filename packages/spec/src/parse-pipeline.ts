import { SeqpipeError } from '@seqpipe/errors';

/** Where a JSON text stops being valid, and why. */
interface JsonSyntaxError {
  offset: number;
  reason: string;
}

/**
 * Parse stage: the text of a pipeline file to a JSON value. A syntax error throws
 * `SeqpipeError('SEQPIPE_SPEC_PARSE')` naming `file:line:column`, showing the line and a caret.
 * A leading byte-order mark is ignored.
 */
export function parsePipeline(text: string, file?: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(source) as unknown;
  } catch (cause) {
    const located = locateJsonError(source) ?? { offset: source.length, reason: String(cause) };
    const { line, column } = lineAndColumn(source, located.offset);
    const where = `${file ?? 'pipeline'}:${line}:${column}`;
    const sourceLine = source.split(/\r?\n/)[line - 1] ?? '';
    const excerpt = sourceLine.length > 0 ? `\n  ${sourceLine}\n  ${' '.repeat(column - 1)}^` : '';
    throw new SeqpipeError(
      'SEQPIPE_SPEC_PARSE',
      `${where}: invalid JSON: ${located.reason}${excerpt}\nFix the syntax (JSON allows no comments and no trailing commas).`,
      {
        ...(file === undefined ? {} : { file }),
        issues: [
          {
            path: '',
            message: `invalid JSON at line ${line}, column ${column}: ${located.reason}`,
          },
        ],
        cause,
      },
    );
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the first syntax error of a JSON text with a small recursive-descent scanner
 * (V8's messages do not always carry a position). Returns undefined for valid JSON.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let pos = 0;
  class Stop extends Error {
    constructor(
      readonly at: number,
      readonly reason: string,
    ) {
      super(reason);
    }
  }
  const fail = (reason: string, at = pos): never => {
    throw new Stop(at, reason);
  };
  const describe = (at: number): string =>
    at >= text.length ? 'end of input' : JSON.stringify(text[at]);
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos] as string)) pos++;
  };
  const expectChar = (char: string, context: string): void => {
    skipSpace();
    if (text[pos] !== char)
      fail(`expected ${JSON.stringify(char)} ${context}, found ${describe(pos)}`);
    pos++;
  };
  const parseString = (): void => {
    pos++; // opening quote
    while (pos < text.length) {
      const char = text[pos] as string;
      if (char === '"') {
        pos++;
        return;
      }
      if (char === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6)))
            fail('invalid \\u escape in string');
          pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) pos += 2;
        else fail(`invalid escape ${JSON.stringify(`\\${next ?? ''}`)} in string`);
        continue;
      }
      if (char < ' ') fail('unescaped control character in string (use \\n, \\t)');
      pos++;
    }
    fail('unterminated string');
  };
  const parseNumber = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (match === null || match[0] === '' || match[0] === '-') fail(`unexpected ${describe(pos)}`);
    pos += (match as RegExpExecArray)[0].length;
  };
  const parseValue = (): void => {
    skipSpace();
    const char = text[pos];
    if (char === '{') {
      pos++;
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') {
          fail(
            text[pos] === '}'
              ? 'trailing comma before "}"'
              : `expected a double-quoted property name, found ${describe(pos)}`,
          );
        }
        parseString();
        expectChar(':', 'after property name');
        parseValue();
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return;
        }
        fail(`expected "," or "}" after property value, found ${describe(pos)}`);
      }
    }
    if (char === '[') {
      pos++;
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[pos] === ']') fail('trailing comma before "]"');
        parseValue();
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return;
        }
        fail(`expected "," or "]" after array element, found ${describe(pos)}`);
      }
    }
    if (char === '"') return parseString();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return;
      }
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return parseNumber();
    fail(char === undefined ? 'unexpected end of input' : `unexpected ${describe(pos)}`);
  };
  try {
    parseValue();
    skipSpace();
    if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the document`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.at, reason: error.reason };
    throw error;
  }
}
