import {
  calibration,
  precisionRecallCurve,
  rocCurve,
  thresholdTable,
  type Calibration,
  type PrCurve,
  type RocCurve,
  type ThresholdRow,
} from './classification-curves.js';
import type { ScoredExample } from './report-input.js';

/** ROC and precision-recall curves of one class against the rest. */
export interface ClassCurves {
  label: string;
  /** Examples of this class. */
  support: number;
  /** Undefined when the split has no example of the class, or only that class. */
  roc?: RocCurve | undefined;
  pr?: PrCurve | undefined;
}

/** A wrong prediction and how sure the model was of it. */
export interface WrongPrediction {
  text: string;
  trueLabel: string;
  predictedLabel: string;
  /** Probability the model gave its (wrong) predicted label. */
  confidence: number;
}

/** What the report draws for one scored split of a classification run. */
export interface ClassificationAnalysis {
  binary: boolean;
  /** Binary: the positive class only. Multiclass: every class, one-vs-rest. */
  curves: ClassCurves[];
  /** Binary: AUC of the positive class. Multiclass: mean over classes with a defined curve. */
  rocAuc?: number | undefined;
  /** Average precision, likewise. */
  averagePrecision?: number | undefined;
  /** Binary only: the usual thresholds 0.1 … 0.9 plus the run's own. */
  thresholds: ThresholdRow[];
  /**
   * Binary: predicted probability of the positive class against the outcome (scikit-learn's
   * `calibration_curve`). Multiclass: top-label confidence against being right.
   */
  calibration: Calibration;
  /** Wrong predictions, most confident first (at most `limit`). */
  confidentlyWrong: WrongPrediction[];
  wrong: number;
  total: number;
}

export const TABLE_THRESHOLDS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * The class an example's scores predict: binary, `labels[1]` when `scores[1] >= threshold`
 * (as `@seqpipe/runtime` decides); otherwise the highest score, the first on ties.
 */
export function predictedIndex(scores: readonly number[], threshold: number): number {
  if (scores.length === 2) return (scores[1] as number) >= threshold ? 1 : 0;
  let best = 0;
  scores.forEach((score, index) => {
    if (score > (scores[best] as number)) best = index;
  });
  return best;
}

/**
 * Curves, AUCs, a threshold table, calibration and the most confidently wrong examples of one
 * scored split. `examples[i].scores` holds one probability per label, in `labels` order.
 */
export function analyzeClassification(
  examples: readonly ScoredExample[],
  labels: readonly string[],
  threshold: number,
  options: { wrongLimit?: number } = {},
): ClassificationAnalysis {
  const binary = labels.length === 2;
  const classIndices = binary ? [1] : labels.map((_, index) => index);
  const curves = classIndices.map((k): ClassCurves => {
    const outcomes = examples.map((e) => (e.target === k ? 1 : 0));
    const scores = examples.map((e) => e.scores[k] ?? 0);
    return {
      label: labels[k] ?? String(k),
      support: outcomes.reduce<number>((sum, o) => sum + o, 0),
      roc: rocCurve(outcomes, scores),
      pr: precisionRecallCurve(outcomes, scores),
    };
  });
  const predicted = examples.map((e) => predictedIndex(e.scores, threshold));
  const wrongExamples = examples
    .map((e, i) => ({ example: e, predicted: predicted[i] as number }))
    .filter(({ example, predicted: p }) => p !== example.target)
    .map(({ example, predicted: p }): WrongPrediction => ({
      text: example.text,
      trueLabel: labels[example.target] ?? String(example.target),
      predictedLabel: labels[p] ?? String(p),
      confidence: example.scores[p] ?? 0,
    }))
    .sort((a, b) => b.confidence - a.confidence);
  const positiveOutcomes = examples.map((e) => (e.target === 1 ? 1 : 0));
  const positiveScores = examples.map((e) => e.scores[1] ?? 0);
  return {
    binary,
    curves,
    rocAuc: mean(curves.flatMap((c) => (c.roc === undefined ? [] : [c.roc.auc]))),
    averagePrecision: mean(
      curves.flatMap((c) => (c.pr === undefined ? [] : [c.pr.averagePrecision])),
    ),
    thresholds: binary
      ? thresholdTable(
          positiveOutcomes,
          positiveScores,
          [...new Set([...TABLE_THRESHOLDS, threshold])].sort((a, b) => a - b),
        )
      : [],
    calibration: binary
      ? calibration(positiveOutcomes, positiveScores)
      : calibration(
          examples.map((e, i) => (predicted[i] === e.target ? 1 : 0)),
          examples.map((e, i) => e.scores[predicted[i] as number] ?? 0),
        ),
    confidentlyWrong: wrongExamples.slice(0, options.wrongLimit ?? 10),
    wrong: wrongExamples.length,
    total: examples.length,
  };
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}
