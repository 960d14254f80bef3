import { describeValue, type Issue } from '@seqpipe/errors';

/** Reads one value at a JSON Pointer path, recording an issue when it does not fit. */
export type Read<T> = (reader: DocumentReader, value: unknown, path: string) => T;

/**
 * Walks an untrusted JSON value, collecting every problem as an {@link Issue} with its JSON
 * Pointer path instead of stopping at the first. A read that fails records an issue and returns
 * a placeholder (`undefined` in disguise): callers must check `issues` before using the result,
 * which is what lets one pass report every problem at once.
 */
export class DocumentReader {
  readonly issues: Issue[] = [];

  fail<T>(path: string, message: string, expected: string, value: unknown): T {
    this.issues.push({ path, message, expected, received: describeValue(value) });
    return undefined as T;
  }

  /** A required property of an object; missing is an issue. */
  field<T>(object: Record<string, unknown>, key: string, path: string, read: Read<T>): T {
    const at = `${path}/${escapePointer(key)}`;
    if (!Object.hasOwn(object, key))
      return this.fail(at, 'missing field', describe(read), undefined);
    return read(this, object[key], at);
  }

  /** An optional property: absent stays `undefined`, present must fit `read`. */
  optionalField<T>(
    object: Record<string, unknown>,
    key: string,
    path: string,
    read: Read<T>,
  ): T | undefined {
    if (!Object.hasOwn(object, key) || object[key] === undefined) return undefined;
    return read(this, object[key], `${path}/${escapePointer(key)}`);
  }
}

const descriptions = new WeakMap<Read<unknown>, string>();

/** Attaches "what was expected" to a read function, for the "missing field" issue. */
function expecting<T>(expected: string, read: Read<T>): Read<T> {
  descriptions.set(read as Read<unknown>, expected);
  return read;
}

function describe(read: Read<unknown>): string {
  return descriptions.get(read) ?? 'a value';
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const readString: Read<string> = expecting('a string', (reader, value, path) =>
  typeof value === 'string' ? value : reader.fail(path, 'wrong type', 'a string', value),
);

export const readBoolean: Read<boolean> = expecting('true or false', (reader, value, path) =>
  typeof value === 'boolean' ? value : reader.fail(path, 'wrong type', 'true or false', value),
);

/** A finite number, optionally an integer and within bounds. */
export function readNumber(
  options: { integer?: boolean; min?: number; max?: number } = {},
): Read<number> {
  const { integer = false, min, max } = options;
  let expected = integer ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) expected += ` from ${min} to ${max}`;
  else if (min !== undefined) expected += ` ≥ ${min}`;
  return expecting(expected, (reader, value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return reader.fail(path, 'wrong type', expected, value);
    }
    if (
      (integer && !Number.isInteger(value)) ||
      (min !== undefined && value < min) ||
      (max !== undefined && value > max)
    ) {
      return reader.fail(path, 'out of range', expected, value);
    }
    return value;
  });
}

/** A number, or `null` read back as `NaN` (how `JSON.stringify` writes a diverged loss). */
export const readNumberOrNull: Read<number> = expecting(
  'a number or null',
  (reader, value, path) => {
    if (value === null) return NaN;
    return typeof value === 'number' && Number.isFinite(value)
      ? value
      : reader.fail(path, 'wrong type', 'a number or null', value);
  },
);

export function readLiteral<T extends string | number>(allowed: readonly T[]): Read<T> {
  const expected = allowed.map((v) => JSON.stringify(v)).join(' or ');
  return expecting(expected, (reader, value, path) =>
    allowed.includes(value as T)
      ? (value as T)
      : reader.fail(path, 'unexpected value', expected, value),
  );
}

export function readArray<T>(item: Read<T>, expected = 'an array'): Read<T[]> {
  return expecting(expected, (reader, value, path) => {
    if (!Array.isArray(value)) return reader.fail(path, 'wrong type', expected, value);
    return value.map((element, index) => item(reader, element, `${path}/${index}`));
  });
}

/** An object whose properties are read by `fields`; other properties are ignored. */
export function readObject<T>(
  expected: string,
  fields: (reader: DocumentReader, object: Record<string, unknown>, path: string) => T,
): Read<T> {
  return expecting(expected, (reader, value, path) =>
    isRecord(value)
      ? fields(reader, value, path)
      : reader.fail(path, 'wrong type', expected, value),
  );
}

/** An object with arbitrary keys, every value read by `item`. */
export function readRecord<T>(expected: string, item: Read<T>): Read<Record<string, T>> {
  return expecting(expected, (reader, value, path) => {
    if (!isRecord(value)) return reader.fail(path, 'wrong type', expected, value);
    const result: Record<string, T> = {};
    for (const [key, element] of Object.entries(value)) {
      result[key] = item(reader, element, `${path}/${escapePointer(key)}`);
    }
    return result;
  });
}
