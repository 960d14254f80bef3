import { SeqpipeError, describeValue } from '@seqpipe/errors';

/**
 * Keras' default `filters`: ASCII punctuation except `'`, plus tab and newline. Every one of these
 * characters is turned into the split string before splitting.
 */
export const KERAS_DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/**
 * Splits a text into words exactly like Keras' `text_to_word_sequence`:
 * lowercase (Python `str.lower`, when `lower`), replace every character of `filters` by `split`
 * (Python `str.translate`, code point by code point), split on `split` (Python `str.split(sep)`),
 * drop empty strings.
 *
 * ```ts
 * textToWordSequence('Hello, World!  Bye.'); // ['hello', 'world', 'bye']
 * textToWordSequence('a,b;c', { filters: ',', split: ';' }); // ['a', 'b', 'c']
 * ```
 *
 * Throws `SEQPIPE_TEXT_INVALID` for an empty `split` (Python raises `ValueError: empty separator`).
 */
export function textToWordSequence(
  text: string,
  options: {
    filters?: string | undefined;
    lower?: boolean | undefined;
    split?: string | undefined;
  } = {},
): string[] {
  const filters = options.filters ?? KERAS_DEFAULT_FILTERS;
  const lower = options.lower ?? true;
  const split = options.split ?? ' ';
  if (typeof text !== 'string') {
    throw new SeqpipeError(
      'SEQPIPE_TEXT_INVALID',
      `textToWordSequence expects a string, received ${describeValue(text)}.`,
    );
  }
  assertSplit(split);
  const lowered = lower ? text.toLowerCase() : text;
  const translated = translate(lowered, filterSet(filters), split);
  return translated.split(split).filter((word) => word !== '');
}

/** Throws `SEQPIPE_TEXT_INVALID` unless `split` is a non-empty string. */
export function assertSplit(split: unknown): asserts split is string {
  if (typeof split !== 'string' || split === '') {
    throw new SeqpipeError(
      'SEQPIPE_TEXT_INVALID',
      `Option "split" must be a non-empty string (the word separator), received ${describeValue(split)}. ` +
        'Use the default " " or any other separator; for one token per character set charLevel: true.',
    );
  }
}

const filterSets = new Map<string, ReadonlySet<string>>();

/** The filter characters as a set of code points (Python iterates a str by code point). */
function filterSet(filters: string): ReadonlySet<string> {
  let set = filterSets.get(filters);
  if (set === undefined) {
    set = new Set(filters);
    if (filterSets.size > 64) filterSets.clear();
    filterSets.set(filters, set);
  }
  return set;
}

/** Python `text.translate(str.maketrans({c: split for c in filters}))`. */
function translate(text: string, filters: ReadonlySet<string>, split: string): string {
  if (filters.size === 0) return text;
  let out = '';
  for (const char of text) out += filters.has(char) ? split : char;
  return out;
}
