import { describe, expect, it } from 'vitest';
import { isSeqpipeError } from '@seqpipe/errors';
import { loadExamples } from '../load-examples.js';

describe('spamAssassin source', () => {
  it('reads the labelled groups with headers stripped (one small group here)', async () => {
    const examples = await loadExamples(
      { source: { type: 'spamAssassin', groups: ['spam-1'] }, input: 'text', target: 'label' },
      { baseDir: '.' },
    );
    expect(examples).toHaveLength(500);
    expect(examples.every((e) => e.target === 1)).toBe(true);
    expect(examples.some((e) => /^Return-Path:/m.test(e.input))).toBe(false);
    const groups = await loadExamples(
      { source: { type: 'spamAssassin', groups: ['hard-ham-1'] }, input: 'text', target: 'group' },
      { baseDir: '.' },
    );
    expect(new Set(groups.map((e) => e.target))).toEqual(new Set(['hard-ham-1']));
  });
  it('rejects an unknown group with the known ones', async () => {
    const error: unknown = await loadExamples(
      { source: { type: 'spamAssassin', groups: ['spam-3'] }, input: 'text', target: 'label' },
      { baseDir: '.' },
    ).catch((e: unknown) => e);
    expect(isSeqpipeError(error) && error.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(String((error as Error).message)).toContain('easy-ham-1, easy-ham-2');
  });
});
