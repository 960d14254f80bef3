import { describe, expect, it } from 'vitest';
import { SeqpipeError } from '@seqpipe/errors';
import { calibration, precisionRecallCurve, rocCurve, thresholdTable } from './index.js';

// scikit-learn's documented example: roc_auc_score → 0.75, average_precision_score → 0.8333.
const Y = [0, 0, 1, 1];
const S = [0.1, 0.4, 0.35, 0.8];

describe('rocCurve', () => {
  it('matches the hand-computed curve and AUC of the scikit-learn example', () => {
    const roc = rocCurve(Y, S)!;
    expect(roc.points.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(roc.points.map((p) => p.threshold)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(roc.auc).toBeCloseTo(0.75, 12);
  });

  it('groups tied scores into one step (a tie counts half in the AUC)', () => {
    // positives {0.5, 0.9}, negatives {0.5, 0.2}: pairs won 1 + 1 + 1 + ½ of 4 → 0.875
    const roc = rocCurve([0, 1, 1, 0], [0.5, 0.5, 0.9, 0.2])!;
    expect(roc.points.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(roc.auc).toBeCloseTo(0.875, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, undefined with one class', () => {
    expect(rocCurve([0, 0, 1], [0.1, 0.2, 0.9])!.auc).toBe(1);
    expect(rocCurve([1, 1, 0], [0.1, 0.2, 0.9])!.auc).toBe(0);
    expect(rocCurve([1, 1], [0.1, 0.2])).toBeUndefined();
  });
});

describe('precisionRecallCurve', () => {
  it('matches the hand-computed curve and average precision of the scikit-learn example', () => {
    const pr = precisionRecallCurve(Y, S)!;
    expect(pr.points.map((p) => [p.recall, p.precision])).toEqual([
      [0, 1],
      [0.5, 1],
      [0.5, 0.5],
      [1, 2 / 3],
      [1, 0.5],
    ]);
    // 0.5·1 + 0·0.5 + 0.5·⅔ + 0·0.5
    expect(pr.averagePrecision).toBeCloseTo(5 / 6, 12);
  });

  it('is undefined without a positive example', () => {
    expect(precisionRecallCurve([0, 0], [0.3, 0.6])).toBeUndefined();
  });
});

describe('thresholdTable', () => {
  it('counts score >= threshold as positive and computes every ratio', () => {
    const [at04, at09] = thresholdTable(Y, S, [0.4, 0.9]);
    expect(at04).toEqual({
      threshold: 0.4,
      tp: 1,
      fp: 1,
      fn: 1,
      tn: 1,
      precision: 0.5,
      recall: 0.5,
      fpr: 0.5,
      f1: 0.5,
      accuracy: 0.5,
    });
    // Nothing predicted positive: zero division counts as 0.
    expect(at09).toMatchObject({ tp: 0, fp: 0, fn: 2, tn: 2, precision: 0, recall: 0, f1: 0 });
    expect(at09?.accuracy).toBe(0.5);
  });
});

describe('calibration', () => {
  it('bins probabilities, with the mean prediction, observed rate, ECE and Brier score', () => {
    const c = calibration([0, 1, 1], [0.2, 0.7, 0.9], 2);
    expect(c.bins).toHaveLength(2);
    expect(c.bins[0]).toEqual({
      lower: 0,
      upper: 0.5,
      count: 1,
      meanPredicted: 0.2,
      fractionPositive: 0,
    });
    expect(c.bins[1]).toMatchObject({ lower: 0.5, upper: 1, count: 2, fractionPositive: 1 });
    expect(c.bins[1]?.meanPredicted).toBeCloseTo(0.8, 12);
    expect(c.ece).toBeCloseTo((1 / 3) * 0.2 + (2 / 3) * 0.2, 12);
    expect(c.brier).toBeCloseTo((0.04 + 0.09 + 0.01) / 3, 12);
  });

  it('puts a probability of exactly 1 in the last bin and skips empty bins', () => {
    const c = calibration([1, 1], [1, 0.95]);
    expect(c.bins.map((b) => [b.lower, b.count])).toEqual([[0.9, 2]]);
    expect(c.bins[0]?.upper).toBe(1);
  });

  it('rejects mismatched lengths, non-binary outcomes and scores outside 0..1, all at once', () => {
    let error: unknown;
    try {
      calibration([0, 2, 1], [0.5, 1.5]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeqpipeError);
    const issues = (error as SeqpipeError).issues.map((i) => `${i.path} ${i.message}`);
    expect(issues).toEqual([
      ' outcomes and scores differ in length',
      '/outcomes/1 not a binary outcome',
      '/scores/1 not a probability',
    ]);
    expect(() => rocCurve([0, 1], [NaN, 0.5])).toThrow(/\/scores\/0: score is not a finite number/);
  });
});
