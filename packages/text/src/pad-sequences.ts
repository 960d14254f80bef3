import { SeqpipeError, describeValue, formatIssue, type Issue } from '@seqpipe/errors';

/** Options of Keras' `pad_sequences(sequences, maxlen, dtype, padding, truncating, value)`. */
export interface PadSequencesOptions {
  /** Length of every output row. Absent: the longest input sequence. */
  maxLen?: number | undefined;
  /** Where padding goes for short rows: `'pre'` (default, Keras) or `'post'`. */
  padding?: 'pre' | 'post' | undefined;
  /** Which end is cut from long rows: `'pre'` (default, Keras: keeps the last `maxLen`) or `'post'`. */
  truncating?: 'pre' | 'post' | undefined;
  /** Padding value. Default 0. */
  value?: number | undefined;
  /**
   * Element type the output is cast to, as numpy does. `'int32'` (default, Keras): values and
   * `value` are truncated toward zero (`0.5` -> `0`, `-1.7` -> `-1`) and must fit in int32;
   * `'float32'`: rounded to float32 (`Math.fround`); `'float64'`: unchanged.
   */
  dtype?: 'int32' | 'float32' | 'float64' | undefined;
}

const SIDES = ['pre', 'post'] as const;
const DTYPES = ['int32', 'float32', 'float64'] as const;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Keras `pad_sequences`: makes every sequence `maxLen` long, padding with `value` and truncating
 * at the chosen ends.
 *
 * ```ts
 * padSequences([[1], [2, 3], [4, 5, 6, 7]], { maxLen: 3 });
 * // [[0, 0, 1], [0, 2, 3], [5, 6, 7]]
 * padSequences([[1], [2, 3], [4, 5, 6, 7]], { maxLen: 3, padding: 'post', truncating: 'post' });
 * // [[1, 0, 0], [2, 3, 0], [4, 5, 6]]
 * ```
 *
 * Throws `SEQPIPE_TEXT_INVALID` listing every bad option (name and value received) or bad row.
 */
export function padSequences(
  sequences: ReadonlyArray<readonly number[]>,
  options: PadSequencesOptions = {},
): number[][] {
  const issues: Issue[] = [];
  const { maxLen, padding = 'pre', truncating = 'pre', value = 0, dtype = 'int32' } = options;
  if (maxLen !== undefined && !(Number.isSafeInteger(maxLen) && maxLen >= 0)) {
    issues.push({
      path: '/maxLen',
      message: 'option "maxLen" must be an integer >= 0',
      received: describeValue(maxLen),
      hint: 'omit it to pad to the longest sequence',
    });
  }
  if (!SIDES.includes(padding)) {
    issues.push({
      path: '/padding',
      message: 'option "padding" is not understood',
      expected: '"pre" or "post"',
      received: describeValue(padding),
    });
  }
  if (!SIDES.includes(truncating)) {
    issues.push({
      path: '/truncating',
      message: 'option "truncating" is not understood',
      expected: '"pre" or "post"',
      received: describeValue(truncating),
    });
  }
  if (!DTYPES.includes(dtype)) {
    issues.push({
      path: '/dtype',
      message: 'option "dtype" is not supported',
      expected: DTYPES.map((d) => `"${d}"`).join(', '),
      received: describeValue(dtype),
    });
  }
  if (typeof value !== 'number' || (dtype === 'int32' && !fitsInt32(value))) {
    issues.push({
      path: '/value',
      message: `option "value" must be a number${dtype === 'int32' ? ' within int32 range (dtype "int32")' : ''}`,
      received: describeValue(value),
    });
  }
  if (!Array.isArray(sequences)) {
    issues.push({
      path: '',
      message: 'sequences must be an array of number arrays',
      received: describeValue(sequences),
    });
  } else {
    sequences.forEach((seq, i) => {
      if (!Array.isArray(seq)) {
        issues.push({
          path: `/sequences/${i}`,
          message: 'not an array of numbers',
          received: describeValue(seq),
        });
        return;
      }
      const bad = seq.findIndex(
        (x) => typeof x !== 'number' || (dtype === 'int32' && !fitsInt32(x)),
      );
      if (bad >= 0) {
        issues.push({
          path: `/sequences/${i}/${bad}`,
          message: `not a number${dtype === 'int32' ? ' within int32 range (dtype "int32")' : ''}`,
          received: describeValue(seq[bad]),
        });
      }
    });
  }
  if (issues.length > 0) {
    throw new SeqpipeError(
      'SEQPIPE_TEXT_INVALID',
      `padSequences: invalid input:\n${issues
        .slice(0, 10)
        .map((i) => `  ${formatIssue(i)}`)
        .join('\n')}`,
      { issues },
    );
  }

  // `+ 0` turns -0 (Math.trunc(-0.5)) into 0, as numpy's int32 has no negative zero.
  const cast =
    dtype === 'int32'
      ? (x: number) => Math.trunc(x) + 0
      : dtype === 'float32'
        ? Math.fround
        : (x: number) => x;
  const length = maxLen ?? sequences.reduce((longest, seq) => Math.max(longest, seq.length), 0);
  const fill = cast(value);
  return sequences.map((seq) => {
    const kept =
      seq.length <= length
        ? seq
        : truncating === 'pre'
          ? seq.slice(seq.length - length)
          : seq.slice(0, length);
    const pad = new Array<number>(length - kept.length).fill(fill);
    const values = kept.map((x) => cast(x));
    return padding === 'pre' ? [...pad, ...values] : [...values, ...pad];
  });
}

/** True when numpy's cast to int32 (truncation toward zero) keeps the value. */
function fitsInt32(x: number): boolean {
  return Number.isFinite(x) && Math.trunc(x) >= INT32_MIN && Math.trunc(x) <= INT32_MAX;
}
