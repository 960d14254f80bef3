import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import { CURRENT_PIPELINE_VERSION, migratePipeline } from './migrate-pipeline.js';

describe('migratePipeline', () => {
  it('treats a missing version as 1 without mutating its input', () => {
    const doc = Object.freeze({ name: 'a' });
    expect(migratePipeline(doc)).toEqual({ name: 'a', version: 1 });
    expect(doc).toEqual({ name: 'a' });
  });

  it('keeps a current version and passes non-objects and bad versions through for validation', () => {
    expect(migratePipeline({ version: CURRENT_PIPELINE_VERSION, name: 'a' })).toEqual({
      version: 1,
      name: 'a',
    });
    expect(migratePipeline([1])).toEqual([1]);
    expect(migratePipeline('x')).toBe('x');
    expect(migratePipeline({ version: 'one' })).toEqual({ version: 'one' });
  });

  it('rejects a version newer than this package, naming the file', () => {
    let caught: unknown;
    try {
      migratePipeline({ version: 7 }, { file: 'p.json' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SeqpipeError);
    const error = caught as SeqpipeError;
    expect(error.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(error.file).toBe('p.json');
    expect(error.issues[0]?.path).toBe('/version');
    expect(error.message).toContain('p.json: /version: pipeline format version 7 is newer');
  });
});
