import type { ClassificationMetrics } from './classification-metrics.js';
import { short4 } from './format-number.js';

/**
 * One line for a terminal or log: the headline metrics rounded to 4 decimals, trailing zeros
 * dropped; multiclass lines end with `(macro)`.
 *
 * @example
 * formatMetricsLine(metrics); // 'accuracy 0.9375 · precision 0.94 · recall 0.94 · f1 0.94'
 */
export function formatMetricsLine(metrics: ClassificationMetrics): string {
  const line = [
    `accuracy ${short4(metrics.accuracy)}`,
    `precision ${short4(metrics.precision)}`,
    `recall ${short4(metrics.recall)}`,
    `f1 ${short4(metrics.f1)}`,
  ].join(' · ');
  return metrics.average === 'macro' ? `${line} (macro)` : line;
}
