import { describe, expect, it } from 'vitest';
import { SeqpipeError, describeValue, formatIssue, isSeqpipeError } from './index.js';

describe('SeqpipeError', () => {
  it('carries a stable code, the file and every issue', () => {
    const error = new SeqpipeError('SEQPIPE_SPEC_INVALID', 'pipeline is invalid', {
      file: 'p.json',
      issues: [{ path: '/a', message: 'bad' }],
    });
    expect(error.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(error.file).toBe('p.json');
    expect(error.issues).toHaveLength(1);
    expect(isSeqpipeError(error)).toBe(true);
    expect(isSeqpipeError(new Error('x'))).toBe(false);
  });

  it('formats an issue on one line with expected, received and hint', () => {
    expect(
      formatIssue({
        path: '/model/layers/1/type',
        message: 'unknown layer',
        expected: 'one of lstm, gru',
        received: '"lstn"',
        hint: 'did you mean "lstm"?',
      }),
    ).toBe(
      '/model/layers/1/type: unknown layer; expected one of lstm, gru; received "lstn" (did you mean "lstm"?)',
    );
    expect(formatIssue({ path: '', message: 'not an object' })).toBe('(root): not an object');
  });

  it('describes values briefly', () => {
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('x'.repeat(100), 10)).toHaveLength(10);
  });
});
