import { describeValue, type Issue } from '@seqpipe/errors';
import { countOf, describeReceived, throwInvalid } from './invalid-input.js';

/** Precision, recall and F1 of one class, treated one-vs-rest, and how many true examples it has. */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of examples whose true class is this one. */
  support: number;
}

/** Counts of (true class, predicted class) pairs: `matrix[true][predicted]`, both in `labels` order. */
export interface ConfusionMatrix {
  labels: string[];
  matrix: number[][];
}

export interface ClassificationMetrics {
  accuracy: number;
  /** Binary: of the positive class. Multiclass: unweighted mean over every label (macro). */
  precision: number;
  recall: number;
  f1: number;
  average: 'binary' | 'macro';
  /** The positive class, for `average: 'binary'` only. */
  positiveLabel?: string;
  perClass: ClassMetrics[];
  confusionMatrix: ConfusionMatrix;
  /** Number of examples scored. */
  support: number;
}

export interface ClassificationMetricsOptions {
  /** Class names; index `i` of `yTrue`/`yPred` means `labels[i]`. */
  labels: readonly string[];
  /** Index of the positive class when there are exactly two labels; default 1. */
  positiveIndex?: number | undefined;
}

/**
 * Accuracy, precision, recall, F1, per-class metrics and the confusion matrix, with
 * scikit-learn's conventions: a ratio whose denominator is 0 is 0 (`zero_division=0`),
 * F1 is `2·tp / (2·tp + fp + fn)`, and the macro average is the plain mean over every label in
 * `labels`, including labels that never occur.
 *
 * With two labels the headline precision/recall/F1 are those of the positive class
 * (`average: 'binary'`, like sklearn's default); otherwise their macro averages.
 *
 * @example
 * classificationMetrics([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1], { labels: ['neg', 'pos'] });
 * // accuracy 5/6, precision 1, recall 0.75, f1 6/7
 */
export function classificationMetrics(
  yTrue: readonly number[],
  yPred: readonly number[],
  options: ClassificationMetricsOptions,
): ClassificationMetrics {
  const { labels, positiveIndex } = options;
  const issues = checkLabels(labels);
  if (positiveIndex !== undefined) {
    if (labels.length !== 2) {
      issues.push({
        path: '/positiveIndex',
        message: 'a positive class only applies to binary classification',
        expected: 'exactly 2 labels',
        received: `${countOf(labels.length, 'label')}`,
        hint: 'leave positiveIndex out for multiclass metrics (macro averages)',
      });
    } else if (positiveIndex !== 0 && positiveIndex !== 1) {
      issues.push({
        path: '/positiveIndex',
        message: 'positive class index out of range',
        expected: '0 or 1',
        received: describeReceived(positiveIndex),
      });
    }
  }
  if (issues.length === 0) issues.push(...checkPredictions(yTrue, yPred, labels.length));
  if (issues.length > 0) {
    throwInvalid(
      `Cannot compute classification metrics (${countOf(issues.length, 'problem')}):`,
      issues,
    );
  }

  const confusion = countConfusion(yTrue, yPred, labels);
  const n = yTrue.length;
  const perClass = labels.map((label, index) => classMetrics(confusion.matrix, index, label));
  let correct = 0;
  confusion.matrix.forEach((row, index) => (correct += row[index] ?? 0));
  const accuracy = correct / n;

  if (labels.length === 2) {
    const positive = positiveIndex ?? 1;
    const chosen = perClass[positive] as ClassMetrics;
    return {
      accuracy,
      precision: chosen.precision,
      recall: chosen.recall,
      f1: chosen.f1,
      average: 'binary',
      positiveLabel: chosen.label,
      perClass,
      confusionMatrix: confusion,
      support: n,
    };
  }
  return {
    accuracy,
    precision: mean(perClass.map((c) => c.precision)),
    recall: mean(perClass.map((c) => c.recall)),
    f1: mean(perClass.map((c) => c.f1)),
    average: 'macro',
    perClass,
    confusionMatrix: confusion,
    support: n,
  };
}

/**
 * The confusion matrix: `matrix[t][p]` counts examples of true class `t` predicted as `p`.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1], ['neg', 'pos']);
 * // { labels: ['neg', 'pos'], matrix: [[1, 0], [1, 1]] }
 */
export function confusionMatrix(
  yTrue: readonly number[],
  yPred: readonly number[],
  labels: readonly string[],
): ConfusionMatrix {
  const issues = checkLabels(labels);
  if (issues.length === 0) issues.push(...checkPredictions(yTrue, yPred, labels.length));
  if (issues.length > 0) {
    throwInvalid(
      `Cannot compute a confusion matrix (${countOf(issues.length, 'problem')}):`,
      issues,
    );
  }
  return countConfusion(yTrue, yPred, labels);
}

function countConfusion(
  yTrue: readonly number[],
  yPred: readonly number[],
  labels: readonly string[],
): ConfusionMatrix {
  const matrix = labels.map(() => labels.map(() => 0));
  yTrue.forEach((t, i) => {
    const row = matrix[t] as number[];
    const p = yPred[i] as number;
    row[p] = (row[p] as number) + 1;
  });
  return { labels: [...labels], matrix };
}

function classMetrics(matrix: readonly number[][], index: number, label: string): ClassMetrics {
  const tp = matrix[index]?.[index] ?? 0;
  const support = (matrix[index] ?? []).reduce((sum, count) => sum + count, 0);
  const predicted = matrix.reduce((sum, row) => sum + (row[index] ?? 0), 0);
  return {
    label,
    precision: divide(tp, predicted),
    recall: divide(tp, support),
    // sklearn: F = 2·tp / (2·tp + fp + fn) = 2·tp / (support + predicted)
    f1: divide(2 * tp, support + predicted),
    support,
  };
}

/** sklearn's `zero_division=0`: a ratio with nothing to divide by is 0. */
function divide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function checkLabels(labels: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  if (!Array.isArray(labels) || labels.length === 0) {
    issues.push({
      path: '/labels',
      message: 'no class labels given',
      expected: 'a non-empty array of class names',
      received: describeValue(labels),
    });
    return issues;
  }
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (typeof label !== 'string') {
      issues.push({
        path: `/labels/${index}`,
        message: 'label is not a string',
        received: describeValue(label),
      });
    } else if (seen.has(label)) {
      issues.push({
        path: `/labels/${index}`,
        message: 'duplicate label',
        received: describeValue(label),
        hint: 'each class needs its own name',
      });
    }
    seen.add(label);
  });
  return issues;
}

function checkPredictions(
  yTrue: readonly number[],
  yPred: readonly number[],
  classes: number,
): Issue[] {
  const issues: Issue[] = [];
  for (const [name, values] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    if (!Array.isArray(values)) {
      issues.push({ path: `/${name}`, message: 'not an array', received: describeValue(values) });
    }
  }
  if (issues.length > 0) return issues;
  if (yTrue.length !== yPred.length) {
    issues.push({
      path: '',
      message: 'yTrue and yPred differ in length',
      expected: 'one prediction per true label',
      received: `${yTrue.length} true labels and ${yPred.length} predictions`,
    });
  }
  if (yTrue.length === 0 && yPred.length === 0) {
    issues.push({
      path: '',
      message: 'no examples to score',
      received: 'empty yTrue and yPred',
      hint: 'an empty split has no metrics; leave it out of the report',
    });
  }
  const expected = `an integer class index from 0 to ${classes - 1}`;
  for (const [name, values] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    values.forEach((value, index) => {
      if (!Number.isInteger(value) || value < 0 || value >= classes) {
        issues.push({
          path: `/${name}/${index}`,
          message: 'label index out of range',
          expected,
          received: describeReceived(value),
        });
      }
    });
  }
  return issues;
}
