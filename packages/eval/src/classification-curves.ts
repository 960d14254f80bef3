import type { Issue } from '@seqpipe/errors';
import { countOf, describeReceived, throwInvalid } from './invalid-input.js';

/** One point of a ROC curve: predicting positive when `score >= threshold`. */
export interface RocPoint {
  /** `Infinity` for the first point (nothing predicted positive). */
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface RocCurve {
  /** From (0, 0) at threshold `Infinity` to (1, 1), one point per distinct score, descending. */
  points: RocPoint[];
  /** Area under the curve by the trapezoidal rule (scikit-learn's `roc_auc_score`). */
  auc: number;
}

/** One point of a precision-recall curve: predicting positive when `score >= threshold`. */
export interface PrPoint {
  /** `Infinity` for the first point (recall 0, precision 1 by convention). */
  threshold: number;
  recall: number;
  precision: number;
}

export interface PrCurve {
  /** From (recall 0, precision 1), one point per distinct score, descending. */
  points: PrPoint[];
  /**
   * Average precision, the step-wise area under the curve: `Σ (Rₙ − Rₙ₋₁)·Pₙ` over thresholds
   * (scikit-learn's `average_precision_score`; no interpolation).
   */
  averagePrecision: number;
}

/** Confusion counts and ratios at one threshold (positive when `score >= threshold`). */
export interface ThresholdRow {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** 0 when nothing is predicted positive (`zero_division=0`). */
  precision: number;
  /** True positive rate; 0 without positives. */
  recall: number;
  /** False positive rate; 0 without negatives. */
  fpr: number;
  f1: number;
  accuracy: number;
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  /** Bin bounds: `[lower, upper)`, the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin. */
  meanPredicted: number;
  /** Fraction of the bin's examples whose outcome is 1. */
  fractionPositive: number;
}

export interface Calibration {
  /** Non-empty bins only, in ascending order. */
  bins: CalibrationBin[];
  /** Expected calibration error: `Σ (countᵦ / n)·|fractionPositiveᵦ − meanPredictedᵦ|`. */
  ece: number;
  /** Brier score: mean of `(probability − outcome)²`. */
  brier: number;
}

/**
 * The ROC curve of binary outcomes (`0`/`1`) against scores, with its area. `undefined` when
 * the outcomes hold only one class (the curve is not defined, as in scikit-learn).
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc; // 0.75
 */
export function rocCurve(
  outcomes: readonly number[],
  scores: readonly number[],
): RocCurve | undefined {
  const counts = cumulativeCounts(outcomes, scores, 'rocCurve');
  if (counts.positives === 0 || counts.negatives === 0) return undefined;
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  let auc = 0;
  for (const { threshold, tp, fp } of counts.steps) {
    const previous = points[points.length - 1] as RocPoint;
    const point = { threshold, fpr: fp / counts.negatives, tpr: tp / counts.positives };
    auc += ((point.fpr - previous.fpr) * (point.tpr + previous.tpr)) / 2;
    points.push(point);
  }
  return { points, auc };
}

/**
 * The precision-recall curve of binary outcomes against scores and its average precision.
 * `undefined` without a positive outcome (recall is not defined).
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).averagePrecision; // 0.8333…
 */
export function precisionRecallCurve(
  outcomes: readonly number[],
  scores: readonly number[],
): PrCurve | undefined {
  const counts = cumulativeCounts(outcomes, scores, 'precisionRecallCurve');
  if (counts.positives === 0) return undefined;
  const points: PrPoint[] = [{ threshold: Infinity, recall: 0, precision: 1 }];
  let averagePrecision = 0;
  for (const { threshold, tp, fp } of counts.steps) {
    const previous = points[points.length - 1] as PrPoint;
    const point = { threshold, recall: tp / counts.positives, precision: tp / (tp + fp) };
    averagePrecision += (point.recall - previous.recall) * point.precision;
    points.push(point);
  }
  return { points, averagePrecision };
}

/**
 * Confusion counts, precision, recall, false positive rate, F1 and accuracy at each threshold,
 * predicting positive when `score >= threshold` (as `@seqpipe/runtime` does).
 *
 * @example
 * thresholdTable([0, 1], [0.3, 0.7], [0.5])[0]; // { tp: 1, fp: 0, fn: 0, tn: 1, accuracy: 1, … }
 */
export function thresholdTable(
  outcomes: readonly number[],
  scores: readonly number[],
  thresholds: readonly number[],
): ThresholdRow[] {
  checkBinary(outcomes, scores, 'thresholdTable');
  return thresholds.map((threshold) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    outcomes.forEach((outcome, i) => {
      const positive = (scores[i] as number) >= threshold;
      if (outcome === 1) {
        if (positive) tp++;
        else fn++;
      } else if (positive) fp++;
      else tn++;
    });
    return {
      threshold,
      tp,
      fp,
      fn,
      tn,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      fpr: ratio(fp, fp + tn),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
      accuracy: ratio(tp + tn, outcomes.length),
    };
  });
}

/**
 * A reliability diagram in `bins` equal-width bins over [0, 1] (scikit-learn's
 * `calibration_curve(strategy='uniform')`), the expected calibration error and the Brier score.
 * A probability of exactly 1 falls in the last bin.
 *
 * @example
 * calibration([0, 1, 1], [0.2, 0.7, 0.9], 2); // bins [0,0.5): 1 example, [0.5,1]: 2; brier 0.0467
 */
export function calibration(
  outcomes: readonly number[],
  probabilities: readonly number[],
  bins = 10,
): Calibration {
  checkBinary(outcomes, probabilities, 'calibration', true);
  if (!Number.isInteger(bins) || bins < 1) {
    throwInvalid('Cannot compute calibration:', [
      {
        path: '/bins',
        message: 'not a positive integer',
        expected: 'an integer ≥ 1',
        received: describeReceived(bins),
      },
    ]);
  }
  const count = new Array<number>(bins).fill(0);
  const sumPredicted = new Array<number>(bins).fill(0);
  const sumPositive = new Array<number>(bins).fill(0);
  let brier = 0;
  probabilities.forEach((p, i) => {
    const outcome = outcomes[i] as number;
    const bin = Math.min(Math.floor(p * bins), bins - 1);
    count[bin] = (count[bin] as number) + 1;
    sumPredicted[bin] = (sumPredicted[bin] as number) + p;
    sumPositive[bin] = (sumPositive[bin] as number) + outcome;
    brier += (p - outcome) ** 2;
  });
  const n = probabilities.length;
  const result: CalibrationBin[] = [];
  let ece = 0;
  for (let bin = 0; bin < bins; bin++) {
    const c = count[bin] as number;
    if (c === 0) continue;
    const meanPredicted = (sumPredicted[bin] as number) / c;
    const fractionPositive = (sumPositive[bin] as number) / c;
    ece += (c / n) * Math.abs(fractionPositive - meanPredicted);
    result.push({
      lower: bin / bins,
      upper: (bin + 1) / bins,
      count: c,
      meanPredicted,
      fractionPositive,
    });
  }
  return { bins: result, ece: n === 0 ? 0 : ece, brier: n === 0 ? 0 : brier / n };
}

interface CumulativeCounts {
  positives: number;
  negatives: number;
  /** One step per distinct score, descending: examples with `score >= threshold`. */
  steps: Array<{ threshold: number; tp: number; fp: number }>;
}

function cumulativeCounts(
  outcomes: readonly number[],
  scores: readonly number[],
  what: string,
): CumulativeCounts {
  checkBinary(outcomes, scores, what);
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const steps: CumulativeCounts['steps'] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((index, position) => {
    if (outcomes[index] === 1) tp++;
    else fp++;
    const score = scores[index] as number;
    const next = order[position + 1];
    if (next === undefined || scores[next] !== score) steps.push({ threshold: score, tp, fp });
  });
  return { positives: tp, negatives: fp, steps };
}

function checkBinary(
  outcomes: readonly number[],
  scores: readonly number[],
  what: string,
  probabilities = false,
): void {
  const issues: Issue[] = [];
  if (outcomes.length !== scores.length) {
    issues.push({
      path: '',
      message: 'outcomes and scores differ in length',
      expected: 'one score per outcome',
      received: `${outcomes.length} outcomes and ${scores.length} scores`,
    });
  }
  outcomes.forEach((outcome, index) => {
    if (outcome !== 0 && outcome !== 1) {
      issues.push({
        path: `/outcomes/${index}`,
        message: 'not a binary outcome',
        expected: '0 or 1',
        received: describeReceived(outcome),
      });
    }
  });
  scores.forEach((score, index) => {
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      issues.push({
        path: `/scores/${index}`,
        message: 'score is not a finite number',
        expected: 'a finite number',
        received: describeReceived(score),
        hint: 'a NaN score usually means training diverged',
      });
    } else if (probabilities && (score < 0 || score > 1)) {
      issues.push({
        path: `/scores/${index}`,
        message: 'not a probability',
        expected: 'a number from 0 to 1',
        received: describeReceived(score),
      });
    }
  });
  if (issues.length > 0) {
    throwInvalid(`Cannot compute ${what} (${countOf(issues.length, 'problem')}):`, issues);
  }
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
