import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  JsonObjectSyntaxError,
  parseJsonObjectEntries,
  pythonJsonObject,
  pythonJsonString,
} from './python-json.js';

describe('pythonJsonString (json.dumps defaults)', () => {
  it('matches Python 3.11 json.dumps output', () => {
    // Expected strings printed by: python3 -c 'import json; print(json.dumps(s))'
    expect(pythonJsonString('plain')).toBe('"plain"');
    expect(pythonJsonString('q"b\\s/')).toBe('"q\\"b\\\\s/"');
    expect(pythonJsonString('\n\r\t\b\f\u0001\u001f\u007f')).toBe(
      '"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f"',
    );
    expect(pythonJsonString('café ΣΟΦΟΣ')).toBe('"caf\\u00e9 \\u03a3\\u039f\\u03a6\\u039f\\u03a3"');
    expect(pythonJsonString('😀')).toBe('"\\ud83d\\ude00"');
    expect(pythonJsonString('\u2028')).toBe('"\\u2028"');
  });

  it('writes dicts with ", " and ": " separators and int keys as strings', () => {
    expect(pythonJsonObject([])).toBe('{}');
    expect(
      pythonJsonObject(
        new Map([
          [1, 'a'],
          [20, 'b"'],
        ]),
      ),
    ).toBe('{"1": "a", "20": "b\\""}');
  });

  it('is ASCII only and reads back with JSON.parse (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const encoded = pythonJsonString(s);
        return /^[\x20-\x7e]*$/.test(encoded) && JSON.parse(encoded) === s;
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseJsonObjectEntries', () => {
  it('keeps the text order, integer-like keys included', () => {
    expect(parseJsonObjectEntries('{"zeta": 1, "42": 2, "7": "x", "a": null, "t": true}')).toEqual([
      ['zeta', 1],
      ['42', 2],
      ['7', 'x'],
      ['a', null],
      ['t', true],
    ]);
    expect(parseJsonObjectEntries(' {} ')).toEqual([]);
  });

  it('takes the last value of a repeated key at its first position, like a Python dict', () => {
    expect(parseJsonObjectEntries('{"a": 1, "b": 2, "a": 3}')).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('decodes escapes', () => {
    expect(parseJsonObjectEntries('{"caf\\u00e9": 1, "\\"q\\"": -2.5e1}')).toEqual([
      ['café', 1],
      ['"q"', -25],
    ]);
  });

  it('rejects anything that is not a flat object', () => {
    for (const bad of [
      '',
      '[]',
      '{"a": [1]}',
      '{"a": 1',
      '{"a" 1}',
      '{"a": 1} x',
      '{a: 1}',
      '{"a": 01}',
    ]) {
      expect(() => parseJsonObjectEntries(bad), bad).toThrow(JsonObjectSyntaxError);
    }
  });

  it('reads back what pythonJsonObject writes (property)', () => {
    const entries = fc.uniqueArray(
      fc.tuple(fc.string({ unit: 'binary', maxLength: 8 }), fc.nat()),
      {
        selector: ([k]) => k,
        maxLength: 20,
      },
    );
    fc.assert(
      fc.property(entries, (list) => {
        expect(parseJsonObjectEntries(pythonJsonObject(list))).toEqual(list);
      }),
      { numRuns: 200 },
    );
  });
});
