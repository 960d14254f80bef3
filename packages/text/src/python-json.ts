/**
 * The two pieces of Python's `json` module that Keras' tokenizer JSON depends on:
 * `json.dumps` with its defaults (`ensure_ascii=True`, separators `', '` and `': '`), and reading a
 * flat JSON object with its key order kept (`JSON.parse` moves integer-like keys such as `"42"`
 * to the front, Python's `json.loads` does not).
 */

export type JsonPrimitive = string | number | boolean | null;

/** Python `json.dumps(value)` for a str: ASCII only, `\uXXXX` (lowercase hex) for the rest. */
export function pythonJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code >= 0x20 && code <= 0x7e) out += value[i];
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code === 0x08) out += '\\b';
    else if (code === 0x0c) out += '\\f';
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Python `json.dumps` of None, bool, int or str. */
export function pythonJsonValue(value: JsonPrimitive): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an exact integer: ${value}`);
    return String(value);
  }
  return pythonJsonString(value);
}

/** Python `json.dumps(dict)` with default separators, keys in the Map's order (int keys as str). */
export function pythonJsonObject(
  entries: Iterable<readonly [string | number, JsonPrimitive]>,
): string {
  const parts: string[] = [];
  for (const [key, value] of entries) {
    parts.push(`${pythonJsonString(String(key))}: ${pythonJsonValue(value)}`);
  }
  return `{${parts.join(', ')}}`;
}

/** Thrown by {@link parseJsonObjectEntries}; `message` says what and at which character. */
export class JsonObjectSyntaxError extends Error {
  override name = 'JsonObjectSyntaxError';
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Reads a JSON object whose values are strings, numbers, booleans or null, keeping the key order
 * of the text (a repeated key keeps its first position and takes the last value, like Python's
 * dict). Throws {@link JsonObjectSyntaxError} for anything else.
 */
export function parseJsonObjectEntries(text: string): Array<[string, JsonPrimitive]> {
  let pos = 0;
  const fail = (what: string): never => {
    const near = text.slice(pos, pos + 20);
    throw new JsonObjectSyntaxError(
      `${what} at character ${pos}${near === '' ? ' (end of text)' : ` near ${JSON.stringify(near)}`}`,
    );
  };
  const skipWhitespace = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const readString = (): string => {
    if (text[pos] !== '"') fail('expected a string');
    let end = pos + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
    if (end >= text.length) fail('unterminated string');
    let value: unknown;
    try {
      value = JSON.parse(text.slice(pos, end + 1));
    } catch {
      fail('invalid string');
    }
    pos = end + 1;
    return value as string;
  };
  const readValue = (): JsonPrimitive => {
    const char = text[pos];
    if (char === '"') return readString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null) return fail('expected a string, number, true, false or null');
    pos = NUMBER.lastIndex;
    return Number(match[0]);
  };

  const entries = new Map<string, JsonPrimitive>();
  skipWhitespace();
  if (text[pos] !== '{') fail('expected "{"');
  pos++;
  skipWhitespace();
  if (text[pos] === '}') pos++;
  else {
    for (;;) {
      skipWhitespace();
      const key = readString();
      skipWhitespace();
      if (text[pos] !== ':') fail('expected ":"');
      pos++;
      skipWhitespace();
      entries.set(key, readValue());
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        break;
      }
      fail('expected "," or "}"');
    }
  }
  skipWhitespace();
  if (pos !== text.length) fail('unexpected text after the object');
  return [...entries];
}
