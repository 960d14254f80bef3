import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSeqpipeError, type SeqpipeError } from '@seqpipe/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataConfig, LoadOptions } from './data-config.js';
import { loadExamples } from './load-examples.js';

let dir: string;
let options: LoadOptions;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-data-'));
  options = { baseDir: dir, file: 'pipeline.json' };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text, 'utf8');
  return name;
}

async function loadError(data: DataConfig, opts: LoadOptions = options): Promise<SeqpipeError> {
  try {
    await loadExamples(data, opts);
  } catch (error) {
    if (isSeqpipeError(error)) return error;
    throw error;
  }
  throw new Error('expected loadExamples to throw');
}

describe('inline', () => {
  it('reads records in order and keeps target types', async () => {
    const examples = await loadExamples(
      {
        source: {
          type: 'inline',
          records: [
            { text: 'good', label: 1 },
            { text: 'bad', label: 'neg' },
          ],
        },
        input: 'text',
        target: 'label',
      },
      options,
    );
    expect(examples).toEqual([
      { input: 'good', target: 1 },
      { input: 'bad', target: 'neg' },
    ]);
  });

  it('points at the record and lists the fields it has', async () => {
    const error = await loadError({
      source: {
        type: 'inline',
        records: [
          { text: 'ok', label: 1 },
          { txt: 'no', label: 0 },
        ],
      },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(error.file).toBe('pipeline.json');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({
      path: '/data/input',
      message: '/data/source/records/1 has no field "text"',
      received: 'the fields "txt", "label"',
    });
    expect(error.issues[0]?.hint).toContain('did you mean "txt"?');
  });

  it('rejects an empty record list with SEQPIPE_DATA_EMPTY', async () => {
    const error = await loadError({
      source: { type: 'inline', records: [] },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_EMPTY');
    expect(error.issues[0]?.path).toBe('/data/source/records');
  });
});

describe('jsonl', () => {
  it('streams objects, skips blank lines, strips a BOM and handles CRLF', async () => {
    const path = await fixture(
      'ok.jsonl',
      '\uFEFF{"text": "great film", "label": 1}\r\n\r\n   \n{"text": "awful", "label": 0}\n{"text": "so-so", "label": "meh"}',
    );
    const examples = await loadExamples(
      { source: { type: 'jsonl', path }, input: 'text', target: 'label' },
      options,
    );
    expect(examples).toEqual([
      { input: 'great film', target: 1 },
      { input: 'awful', target: 0 },
      { input: 'so-so', target: 'meh' },
    ]);
  });

  it('takes column indexes from array lines', async () => {
    const path = await fixture('arrays.jsonl', '["hello", "bonjour"]\n["cat", "chat"]\n');
    const examples = await loadExamples(
      { source: { type: 'jsonl', path }, input: 0, target: 1 },
      options,
    );
    expect(examples).toEqual([
      { input: 'hello', target: 'bonjour' },
      { input: 'cat', target: 'chat' },
    ]);
  });

  it('resolves absolute paths and paths in subfolders of baseDir', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await fixture('sub/nested.jsonl', '{"text": "a", "label": 1}\n');
    const data = (path: string): DataConfig => ({
      source: { type: 'jsonl', path },
      input: 'text',
      target: 'label',
    });
    expect(await loadExamples(data('sub/nested.jsonl'), options)).toEqual([
      { input: 'a', target: 1 },
    ]);
    expect(await loadExamples(data(join(dir, 'sub/nested.jsonl')), { baseDir: '/' })).toHaveLength(
      1,
    );
  });

  it('reports a missing file with the resolved path and the pipeline file', async () => {
    const error = await loadError({
      source: { type: 'jsonl', path: 'data/missing.jsonl' },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_NOT_FOUND');
    expect(error.file).toBe('pipeline.json');
    expect(error.message).toContain(join(dir, 'data/missing.jsonl'));
    expect(error.message).toContain('/data/source/path in pipeline.json');
    expect(error.issues[0]).toMatchObject({
      path: '/data/source/path',
      message: 'the data file does not exist',
    });
    expect(error.issues[0]?.received).toContain('"data/missing.jsonl"');
  });

  it('reports a folder given as the data file', async () => {
    const error = await loadError({
      source: { type: 'jsonl', path: 'sub' },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_NOT_FOUND');
    expect(error.message).toContain('is not a file');
  });

  it('collects every bad line (malformed JSON, missing field, non-string input) with line numbers', async () => {
    const path = await fixture(
      'bad.jsonl',
      [
        '{"text": "fine", "label": 1}',
        '{"text": "broken", "label": 1',
        '',
        '{"txt": "typo", "label": 0}',
        '{"text": 42, "label": 0}',
        '{"text": "no label"}',
        '{"text": "   ", "label": true}',
        '7',
      ].join('\n'),
    );
    const error = await loadError({
      source: { type: 'jsonl', path },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(error.file).toBe(join(dir, 'bad.jsonl'));
    expect(error.message).toContain(
      `7 problems in data file ${join(dir, 'bad.jsonl')} (lines 2, 4, 5, 6, 7, 8)`,
    );
    expect(error.issues.map((i) => [i.path, i.message])).toEqual([
      ['/data/source/path', expect.stringMatching(/^line 2 is not valid JSON \(/)],
      ['/data/input', 'line 4 has no field "text"'],
      ['/data/input', 'line 5: the input field "text" is not a string'],
      ['/data/target', 'line 6 has no field "label"'],
      ['/data/input', 'line 7: the input field "text" is empty'],
      ['/data/target', 'line 7: the target field "label" is neither a string nor a number'],
      ['/data/source/path', 'line 8 is a JSON number, not an object'],
    ]);
    expect(error.issues[0]?.received).toBe('"{\\"text\\": \\"broken\\", \\"label\\": 1"');
    expect(error.issues[1]?.received).toBe('the fields "txt", "label"');
    expect(error.issues[2]?.received).toBe('42');
    expect(error.issues[5]?.received).toBe('true');
  });

  it('stops after maxIssues problems and says so', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `{"body": "line ${i}", "label": 1}`);
    const path = await fixture('many-bad.jsonl', lines.join('\n'));
    const error = await loadError({
      source: { type: 'jsonl', path },
      input: 'text',
      target: 'label',
    });
    expect(error.issues).toHaveLength(10);
    expect(error.message).toMatch(
      /^the first 10 problems in .* \(lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10\), reading stopped there/,
    );
    const three = await loadError(
      { source: { type: 'jsonl', path }, input: 'text', target: 'label' },
      { ...options, maxIssues: 3 },
    );
    expect(three.issues).toHaveLength(3);
  });

  it('rejects a file of blank lines with SEQPIPE_DATA_EMPTY', async () => {
    const path = await fixture('blank.jsonl', '\n  \n\n');
    const error = await loadError({
      source: { type: 'jsonl', path },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_EMPTY');
    expect(error.message).toContain(join(dir, 'blank.jsonl'));
    expect(error.issues[0]?.path).toBe('/data/source/path');
  });

  it('loads the shipped sentiment-80 dataset: 40 positives then 40 negatives', async () => {
    const baseDir = fileURLToPath(new URL('../../../pipelines/', import.meta.url));
    const examples = await loadExamples(
      {
        source: { type: 'jsonl', path: 'data/sentiment-80.jsonl' },
        input: 'text',
        target: 'label',
      },
      { baseDir },
    );
    expect(examples).toHaveLength(80);
    expect(examples.slice(0, 40).every((e) => e.target === 1)).toBe(true);
    expect(examples.slice(40).every((e) => e.target === 0)).toBe(true);
    expect(examples[0]).toEqual({ input: 'this is a great movie', target: 1 });
    expect(examples[40]).toEqual({ input: 'this is a terrible movie', target: 0 });
    expect(examples[79]).toEqual({ input: 'bad and dreadful in equal measure', target: 0 });
  });
});

describe('csv', () => {
  it('parses RFC 4180 quoting: delimiters, doubled quotes and newlines inside quotes', async () => {
    const rows = [
      'text,label',
      '"great, really great",pos',
      '"she said ""wow""",pos',
      '"first line',
      'second line",neg',
      '',
      'plain text,"neg"',
    ];
    const path = await fixture('quoted.csv', rows.join('\r\n'));
    const examples = await loadExamples(
      { source: { type: 'csv', path }, input: 'text', target: 'label' },
      options,
    );
    expect(examples).toEqual([
      { input: 'great, really great', target: 'pos' },
      { input: 'she said "wow"', target: 'pos' },
      { input: 'first line\nsecond line', target: 'neg' },
      { input: 'plain text', target: 'neg' },
    ]);

    const withEmpty = await fixture('quoted-empty.csv', [...rows, '"",neg'].join('\n'));
    const error = await loadError({
      source: { type: 'csv', path: withEmpty },
      input: 'text',
      target: 'label',
    });
    expect(error.issues.map((i) => i.message)).toEqual(['line 8: the input field "text" is empty']);
  });

  it('keeps csv cells as strings and reads columns by index or by header name', async () => {
    const path = await fixture('numbers.csv', 'id,text,label\n1,good,1\n2,bad,0\n');
    const byName = await loadExamples(
      { source: { type: 'csv', path }, input: 'text', target: 'label' },
      options,
    );
    const byIndex = await loadExamples(
      { source: { type: 'csv', path }, input: 1, target: 2 },
      options,
    );
    expect(byName).toEqual([
      { input: 'good', target: '1' },
      { input: 'bad', target: '0' },
    ]);
    expect(byIndex).toEqual(byName);
  });

  it('supports another delimiter and header: false', async () => {
    const path = await fixture('semi.csv', '\uFEFFgood;"a;b"\nbad;c\n');
    const examples = await loadExamples(
      { source: { type: 'csv', path, delimiter: ';', header: false }, input: 0, target: 1 },
      options,
    );
    expect(examples).toEqual([
      { input: 'good', target: 'a;b' },
      { input: 'bad', target: 'c' },
    ]);
  });

  it('names the header columns when /data/input is not one of them', async () => {
    const path = await fixture('header.csv', 'Text,label\nhi,1\n');
    const error = await loadError({
      source: { type: 'csv', path },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_MALFORMED');
    expect(error.issues).toEqual([
      {
        path: '/data/input',
        message: 'line 1 (the header) has no column "text"',
        received: 'the columns "Text", "label"',
        hint: 'did you mean "Text"?',
      },
    ]);
  });

  it('reports short rows, stray characters after quotes and unclosed quotes by line', async () => {
    const path = await fixture(
      'broken.csv',
      ['text,label', 'only text', '"quoted"x,1', 'fine,1', '"never closed,1', 'more'].join('\n'),
    );
    const error = await loadError({
      source: { type: 'csv', path },
      input: 'text',
      target: 'label',
    });
    expect(error.message).toContain('(lines 2, 3, 5)');
    expect(error.issues.map((i) => [i.path, i.message])).toEqual([
      ['/data/target', 'line 2 has 1 column, so it has no column "label" (column 1)'],
      [
        '/data/source/path',
        expect.stringMatching(/^line 3: unexpected "x" after the closing quote of field 1/),
      ],
      [
        '/data/source/path',
        'line 5: a quoted field opened on this line is never closed (the file ends inside it)',
      ],
    ]);
  });

  it('rejects a header-only file with SEQPIPE_DATA_EMPTY', async () => {
    const path = await fixture('header-only.csv', 'text,label\n\n');
    const error = await loadError({
      source: { type: 'csv', path },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_DATA_EMPTY');
  });

  it('rejects an unusable delimiter', async () => {
    const path = await fixture('d.csv', 'text,label\na,1\n');
    const error = await loadError({
      source: { type: 'csv', path, delimiter: '||' },
      input: 'text',
      target: 'label',
    });
    expect(error.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(error.issues[0]?.path).toBe('/data/source/delimiter');
  });
});

describe('tsv', () => {
  it('splits on tabs, takes quotes literally and has no header by default', async () => {
    const path = await fixture(
      'eng-fra.tsv',
      'Go.\tVa !\n"Hi."\t"Salut !"\nRun!\tCours !\textra\n\n',
    );
    const examples = await loadExamples(
      { source: { type: 'tsv', path }, input: 0, target: 1 },
      options,
    );
    expect(examples).toEqual([
      { input: 'Go.', target: 'Va !' },
      { input: '"Hi."', target: '"Salut !"' },
      { input: 'Run!', target: 'Cours !' },
    ]);
  });

  it('reads a header when asked', async () => {
    const path = await fixture('h.tsv', 'en\tfr\nyes\toui\n');
    const examples = await loadExamples(
      { source: { type: 'tsv', path, header: true }, input: 'en', target: 'fr' },
      options,
    );
    expect(examples).toEqual([{ input: 'yes', target: 'oui' }]);
  });

  it('refuses field names without a header, before reading', async () => {
    const error = await loadError({
      source: { type: 'tsv', path: 'missing.tsv' },
      input: 'en',
      target: 1,
    });
    expect(error.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(error.issues.map((i) => i.path)).toEqual(['/data/input']);
  });

  it('reports a row without the target column', async () => {
    const path = await fixture('short.tsv', 'a\tb\nlonely\n');
    const error = await loadError({ source: { type: 'tsv', path }, input: 0, target: 1 });
    expect(error.issues[0]).toMatchObject({
      path: '/data/target',
      message: 'line 2 has 1 column, so it has no column 1',
    });
  });
});

describe('config checks', () => {
  it('rejects an unknown source type and a bad field key', async () => {
    const unknown = await loadError({
      source: { type: 'parquet', path: 'x' } as unknown as DataConfig['source'],
      input: 'text',
      target: 'label',
    });
    expect(unknown.code).toBe('SEQPIPE_SPEC_INVALID');
    expect(unknown.issues[0]).toMatchObject({ path: '/data/source/type', received: '"parquet"' });
    const negative = await loadError({
      source: { type: 'inline', records: [] },
      input: -1,
      target: 'label',
    });
    expect(negative.issues[0]?.path).toBe('/data/input');
  });
});
