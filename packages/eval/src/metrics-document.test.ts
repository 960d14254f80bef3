import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import {
  buildMetricsDocument,
  parseMetricsDocument,
  renderMarkdownReport,
  renderMetricsDocument,
  reportInputFromMetricsDocument,
  type MetricsDocument,
} from './index.js';
import { reportInputFixture } from './report-input.fixture.js';

const createdAt = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
const FILE = 'artifacts/sentiment-rnn/metrics.json';

function thrown(run: () => unknown): SeqpipeError {
  try {
    run();
  } catch (error) {
    if (error instanceof SeqpipeError) return error;
    throw error;
  }
  throw new Error('expected a SeqpipeError');
}

/** The fixture's document as plain JSON, edited by `edit` (for corrupt-file tests). */
function corrupt(
  edit: (
    json: Record<string, unknown> & { splits: { validation: Record<string, unknown> } },
  ) => void,
): string {
  const json = JSON.parse(
    renderMetricsDocument(buildMetricsDocument(reportInputFixture(), createdAt)),
  );
  edit(json);
  return JSON.stringify(json);
}

describe('buildMetricsDocument', () => {
  const document = buildMetricsDocument(reportInputFixture(), createdAt);

  it('collects the numbers of a run with a version, the pipeline and the time', () => {
    expect(document.schemaVersion).toBe(1);
    expect(document.pipeline).toBe('sentiment-rnn');
    expect(document.task).toBe('binaryClassification');
    expect(document.createdAt).toBe('2025-01-02T03:04:05.000Z');
    expect(document.splits.validation?.accuracy).toBe(5 / 6);
    expect(document.splits.test?.confusionMatrix.matrix).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(document.training).toEqual({ epochs: 4, seconds: 3.456, seed: 42, bestEpoch: 3 });
    expect(document.data).toEqual({
      train: 64,
      validation: 6,
      test: 4,
      vocabularySize: 1234,
      maxLen: 10,
    });
    expect(document.backend).toEqual({ backend: 'wasm', simd: true, threads: 2 });
    expect(document.model.totalParams).toBe(21345);
    expect(document.history['valLoss']).toEqual([0.69, 0.4, 0.35, 0.45]);
    expect(document.examples[0]).toEqual({
      text: 'it was truly great',
      label: 'pos',
      score: 0.97314,
    });
  });

  it('copies its input', () => {
    const input = reportInputFixture();
    const built = buildMetricsDocument(input, createdAt);
    input.training.history['loss']?.push(9);
    input.metrics.validation?.confusionMatrix.matrix[0]?.splice(0, 1, 99);
    expect(built.history['loss']).toHaveLength(4);
    expect(built.splits.validation?.confusionMatrix.matrix[0]).toEqual([2, 0]);
  });

  it('leaves out bestEpoch without validation loss and a split that was not scored', () => {
    const input = reportInputFixture();
    input.training.history = { loss: [1, 0.5] };
    input.metrics = { validation: undefined, test: input.metrics.test };
    const built = buildMetricsDocument(input, createdAt);
    expect('bestEpoch' in built.training).toBe(false);
    expect(Object.keys(built.splits)).toEqual(['test']);
  });

  it('rejects an invalid date', () => {
    expect(thrown(() => buildMetricsDocument(reportInputFixture(), new Date(NaN))).code).toBe(
      'SEQPIPE_EVAL_INVALID',
    );
  });
});

describe('parseMetricsDocument', () => {
  it('round-trips a document through JSON, NaN losses included', () => {
    const input = reportInputFixture();
    input.training.history['loss'] = [0.7, NaN];
    const document = buildMetricsDocument(input, createdAt);
    const text = renderMetricsDocument(document);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('"loss": [\n      0.7,\n      null\n    ]');
    const parsed: MetricsDocument = parseMetricsDocument(text, FILE);
    expect(parsed).toEqual(document);
    expect(parsed.history['loss']?.[1]).toBeNaN();
    expect(renderMetricsDocument(parsed)).toBe(text);
  });

  it('gives back the report input: the same Markdown renders from metrics.json alone', () => {
    const input = reportInputFixture();
    const parsed = parseMetricsDocument(
      renderMetricsDocument(buildMetricsDocument(input, createdAt)),
      FILE,
    );
    expect(renderMarkdownReport(reportInputFromMetricsDocument(parsed))).toBe(
      renderMarkdownReport(input),
    );
  });

  it('names the file when the JSON is invalid', () => {
    const error = thrown(() => parseMetricsDocument('{"schemaVersion": 1,', FILE));
    expect(error.code).toBe('SEQPIPE_EVAL_INVALID');
    expect(error.file).toBe(FILE);
    expect(error.message).toMatch(
      /^Metrics file artifacts\/sentiment-rnn\/metrics\.json is not valid JSON: /,
    );
    expect(error.message).toContain('received "{\\"schemaVersion\\": 1,"');
  });

  it('names the file, the JSON Pointer path and what was received for a missing field', () => {
    const error = thrown(() =>
      parseMetricsDocument(
        corrupt((json) => delete json.splits.validation['f1']),
        FILE,
      ),
    );
    expect(error.file).toBe(FILE);
    expect(error.issues).toEqual([
      {
        path: '/splits/validation/f1',
        message: 'missing field',
        expected: 'a number from 0 to 1',
        received: 'nothing',
      },
    ]);
    expect(error.message).toContain(`Invalid metrics file ${FILE} (1 problem):`);
    expect(error.message).toContain(
      '/splits/validation/f1: missing field; expected a number from 0 to 1; received nothing',
    );
  });

  it('reports every wrong type at once, with paths', () => {
    const text = corrupt((json) => {
      json.splits.validation['accuracy'] = 'high';
      (json['history'] as Record<string, unknown>)['val/loss'] = [0.5, 'x'];
      (json['backend'] as Record<string, unknown>)['simd'] = 'yes';
      json['createdAt'] = 'yesterday';
    });
    const error = thrown(() => parseMetricsDocument(text, FILE));
    expect(error.issues.map((i) => [i.path, i.received])).toEqual([
      ['/createdAt', '"yesterday"'],
      ['/splits/validation/accuracy', '"high"'],
      ['/backend/simd', '"yes"'],
      ['/history/val~1loss/1', '"x"'],
    ]);
    expect(error.message).toContain('(4 problems)');
  });

  it('checks ranges and the confusion matrix shape', () => {
    const text = corrupt((json) => {
      json.splits.validation['recall'] = 1.5;
      json.splits.validation['confusionMatrix'] = { labels: ['neg', 'pos'], matrix: [[2, 0, 1]] };
    });
    const error = thrown(() => parseMetricsDocument(text, FILE));
    expect(error.issues.map((i) => [i.path, i.message])).toEqual([
      ['/splits/validation/recall', 'out of range'],
      [
        '/splits/validation/confusionMatrix/matrix/0',
        'row length differs from the number of labels',
      ],
      ['/splits/validation/confusionMatrix/matrix', 'row count differs from the number of labels'],
    ]);
  });

  it('rejects a document that is not an object, and a newer schema version', () => {
    expect(thrown(() => parseMetricsDocument('[1, 2]', FILE)).issues[0]).toMatchObject({
      path: '',
      message: 'wrong type',
      received: '[1,2]',
    });
    const newer = thrown(() =>
      parseMetricsDocument(
        corrupt((json) => (json['schemaVersion'] = 2)),
        FILE,
      ),
    );
    expect(newer.issues[0]).toMatchObject({
      path: '/schemaVersion',
      message: 'written by a newer seqpipe',
      received: '2',
    });
    expect(newer.message).toContain('Upgrade seqpipe');
  });
});
