import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import { classificationMetrics, confusionMatrix } from './index.js';

function thrown(run: () => unknown): SeqpipeError {
  try {
    run();
  } catch (error) {
    if (error instanceof SeqpipeError) return error;
    throw error;
  }
  throw new Error('expected a SeqpipeError');
}

describe('classificationMetrics, binary', () => {
  // sklearn: accuracy_score / precision_recall_fscore_support(average='binary') on these arrays
  const yTrue = [0, 1, 1, 0, 1, 1];
  const yPred = [0, 1, 0, 0, 1, 1];

  it('matches scikit-learn on the positive class (index 1 by default)', () => {
    const m = classificationMetrics(yTrue, yPred, { labels: ['neg', 'pos'] });
    expect(m.accuracy).toBe(5 / 6);
    expect(m.precision).toBe(1);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBe(6 / 7);
    expect(m.average).toBe('binary');
    expect(m.positiveLabel).toBe('pos');
    expect(m.support).toBe(6);
    expect(m.perClass).toEqual([
      { label: 'neg', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
      { label: 'pos', precision: 1, recall: 0.75, f1: 6 / 7, support: 4 },
    ]);
    expect(m.confusionMatrix).toEqual({
      labels: ['neg', 'pos'],
      matrix: [
        [2, 0],
        [1, 3],
      ],
    });
  });

  it('reports the class chosen by positiveIndex', () => {
    const m = classificationMetrics(yTrue, yPred, { labels: ['neg', 'pos'], positiveIndex: 0 });
    expect(m.positiveLabel).toBe('neg');
    expect([m.precision, m.recall, m.f1]).toEqual([2 / 3, 1, 0.8]);
    expect(m.accuracy).toBe(5 / 6);
  });

  it('counts 0 when nothing is predicted positive and no example is positive (zero_division=0)', () => {
    const m = classificationMetrics([0, 0, 0], [0, 0, 0], { labels: ['neg', 'pos'] });
    expect(m.accuracy).toBe(1);
    expect([m.precision, m.recall, m.f1]).toEqual([0, 0, 0]);
    expect(m.perClass[1]).toEqual({ label: 'pos', precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('counts precision 0 when the positive class is never predicted', () => {
    const m = classificationMetrics([1, 1, 0], [0, 0, 0], { labels: ['neg', 'pos'] });
    expect([m.accuracy, m.precision, m.recall, m.f1]).toEqual([1 / 3, 0, 0, 0]);
  });
});

describe('classificationMetrics, multiclass', () => {
  it('macro-averages per-class metrics computed by hand', () => {
    // confusion rows (true) a: [1,1,0], b: [0,2,0], c: [1,0,1]
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2], {
      labels: ['a', 'b', 'c'],
    });
    expect(m.average).toBe('macro');
    expect(m.positiveLabel).toBeUndefined();
    expect('positiveLabel' in m).toBe(false);
    expect(m.accuracy).toBe(4 / 6);
    expect(m.confusionMatrix.matrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(m.perClass.map((c) => [c.label, c.precision, c.recall, c.f1, c.support])).toEqual([
      ['a', 0.5, 0.5, 0.5, 2],
      ['b', 2 / 3, 1, 0.8, 2],
      ['c', 1, 0.5, 2 / 3, 2],
    ]);
    expect(m.precision).toBeCloseTo(13 / 18, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(59 / 90, 12); // mean of per-class F1, not F1 of the means
  });

  it('averages over every label, including classes that never occur (their metrics are 0)', () => {
    const m = classificationMetrics([0, 0, 1], [0, 0, 0], { labels: ['a', 'b', 'c'] });
    expect(m.perClass.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([
      [2 / 3, 1, 0.8, 2],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
    expect(m.precision).toBeCloseTo(2 / 9, 12);
    expect(m.recall).toBeCloseTo(1 / 3, 12);
    expect(m.f1).toBeCloseTo(4 / 15, 12);
    expect(m.accuracy).toBe(2 / 3);
  });

  it('satisfies accuracy = trace(confusion) / n, row sums = support, and 0 ≤ metrics ≤ 1', () => {
    const cases = fc.integer({ min: 1, max: 5 }).chain((classes) =>
      fc.tuple(
        fc.constant(classes),
        fc.array(fc.tuple(fc.nat(classes - 1), fc.nat(classes - 1)), {
          minLength: 1,
          maxLength: 40,
        }),
      ),
    );
    fc.assert(
      fc.property(cases, ([classes, pairs]) => {
        const labels = Array.from({ length: classes }, (_, i) => `c${i}`);
        const yTrue = pairs.map(([t]) => t);
        const yPred = pairs.map(([, p]) => p);
        const m = classificationMetrics(yTrue, yPred, { labels });
        const { matrix } = m.confusionMatrix;
        const trace = matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
        expect(m.accuracy).toBe(trace / pairs.length);
        expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(pairs.length);
        m.perClass.forEach((c, i) => {
          expect(c.support).toBe(matrix[i]?.reduce((a, b) => a + b, 0));
          expect(c.support).toBe(yTrue.filter((t) => t === i).length);
        });
        const values = [
          m.accuracy,
          m.precision,
          m.recall,
          m.f1,
          ...m.perClass.flatMap((c) => [c.precision, c.recall, c.f1]),
        ];
        for (const value of values) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('confusionMatrix', () => {
  it('puts true classes in rows and predicted classes in columns, in label order', () => {
    expect(confusionMatrix([0, 1, 1, 2], [0, 0, 1, 1], ['x', 'y', 'z'])).toEqual({
      labels: ['x', 'y', 'z'],
      matrix: [
        [1, 0, 0],
        [1, 1, 0],
        [0, 1, 0],
      ],
    });
  });
});

describe('invalid input', () => {
  it('rejects a length mismatch, saying both lengths', () => {
    const error = thrown(() => classificationMetrics([0, 1, 1], [0, 1], { labels: ['a', 'b'] }));
    expect(error.code).toBe('SEQPIPE_EVAL_INVALID');
    expect(error.message).toContain('yTrue and yPred differ in length');
    expect(error.message).toContain('received 3 true labels and 2 predictions');
  });

  it('rejects label indices out of range or not integers, with their positions', () => {
    const error = thrown(() =>
      classificationMetrics([0, 2, 1], [0, 1, 0.5], { labels: ['a', 'b'] }),
    );
    expect(error.issues.map((i) => [i.path, i.received])).toEqual([
      ['/yTrue/1', '2'],
      ['/yPred/2', '0.5'],
    ]);
    expect(error.message).toContain(
      '/yTrue/1: label index out of range; expected an integer class index from 0 to 1; received 2',
    );
  });

  it('rejects empty input', () => {
    const error = thrown(() => classificationMetrics([], [], { labels: ['a', 'b'] }));
    expect(error.code).toBe('SEQPIPE_EVAL_INVALID');
    expect(error.message).toContain('no examples to score');
    expect(thrown(() => confusionMatrix([0], [0], [])).message).toContain(
      '/labels: no class labels given',
    );
  });

  it('rejects duplicate labels and a positive class outside binary classification', () => {
    expect(thrown(() => confusionMatrix([0], [0], ['a', 'a'])).issues[0]).toMatchObject({
      path: '/labels/1',
      message: 'duplicate label',
      received: '"a"',
    });
    const error = thrown(() =>
      classificationMetrics([0], [0], { labels: ['a', 'b', 'c'], positiveIndex: 1 }),
    );
    expect(error.issues[0]).toMatchObject({ path: '/positiveIndex', received: '3 labels' });
    expect(
      thrown(() => classificationMetrics([0], [0], { labels: ['a', 'b'], positiveIndex: 2 }))
        .issues[0],
    ).toMatchObject({
      path: '/positiveIndex',
      expected: '0 or 1',
      received: '2',
    });
  });
});
