import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import { lineAndColumn, locateJsonError, parsePipeline } from './parse-pipeline.js';

function parseError(text: string, file?: string): SeqpipeError {
  try {
    parsePipeline(text, file);
  } catch (error) {
    if (error instanceof SeqpipeError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('parsePipeline', () => {
  it('parses JSON and ignores a byte-order mark', () => {
    expect(parsePipeline('{"name": "a", "seed": 1}')).toEqual({ name: 'a', seed: 1 });
    expect(parsePipeline('\uFEFF{"a": [1, 2]}')).toEqual({ a: [1, 2] });
  });

  it('names file, line and column of a trailing comma', () => {
    const error = parseError('{\n  "name": "a",\n  "seed": 1,\n}\n', 'pipelines/a.json');
    expect(error.code).toBe('SEQPIPE_SPEC_PARSE');
    expect(error.file).toBe('pipelines/a.json');
    expect(error.message).toContain(
      'pipelines/a.json:4:1: invalid JSON: trailing comma before "}"',
    );
    expect(error.issues).toEqual([
      { path: '', message: 'invalid JSON at line 4, column 1: trailing comma before "}"' },
    ]);
  });

  it('locates errors V8 reports without a position (bad literal) and shows a caret', () => {
    const error = parseError('{\n  "lower": tru\n}');
    expect(error.message).toContain('pipeline:2:12: invalid JSON: unexpected "t"');
    expect(error.message).toContain('  "lower": tru\n             ^');
  });

  it('reports a missing comma and an unexpected end', () => {
    expect(parseError('{"a": 1 "b": 2}').message).toContain(
      'pipeline:1:9: invalid JSON: expected "," or "}" after property value, found "\\""',
    );
    expect(parseError('{"a": [1, 2').message).toContain(
      'pipeline:1:12: invalid JSON: expected "," or "]" after array element, found end of input',
    );
    expect(parseError('').message).toContain('pipeline:1:1: invalid JSON: unexpected end of input');
  });
});

describe('locateJsonError', () => {
  it('accepts every valid JSON document JSON.parse accepts', () => {
    for (const text of [
      '{}',
      '[]',
      '0',
      '-1.5e+3',
      '"a\\u00e9\\n"',
      ' {"a": [true, false, null, {"b": []}]} ',
    ]) {
      expect(locateJsonError(text)).toBeUndefined();
    }
  });

  it('gives the offset of the first error', () => {
    expect(locateJsonError('[1,]')).toEqual({ offset: 3, reason: 'trailing comma before "]"' });
    expect(locateJsonError('{"a": 1} x')).toEqual({
      offset: 9,
      reason: 'unexpected "x" after the end of the document',
    });
    expect(locateJsonError("{'a': 1}")).toEqual({
      offset: 1,
      reason: 'expected a double-quoted property name, found "\'"',
    });
  });

  it('converts offsets to 1-based lines and columns', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
