import type { Issue } from '@seqpipe/errors';
import { countOf, describeReceived, throwInvalid } from './invalid-input.js';

/**
 * Turns binary scores (sigmoid outputs) into class indices: `1` when `score > threshold`,
 * else `0`. Strictly greater, like Keras' and tfjs' `binaryAccuracy`, so a run's reported
 * accuracy matches the one logged during training.
 *
 * @example
 * binaryPredictions([0.2, 0.5, 0.51]); // [0, 0, 1]
 */
export function binaryPredictions(scores: readonly number[], threshold = 0.5): number[] {
  const issues: Issue[] = [];
  if (!Number.isFinite(threshold)) {
    issues.push({
      path: '/threshold',
      message: 'threshold is not a finite number',
      received: describeReceived(threshold),
    });
  }
  scores.forEach((score, index) => {
    if (typeof score !== 'number' || Number.isNaN(score)) {
      issues.push({
        path: `/scores/${index}`,
        message: 'score is not a number',
        received: describeReceived(score),
        hint: 'a NaN score usually means training diverged',
      });
    }
  });
  if (issues.length > 0) {
    throwInvalid(`Cannot threshold binary scores (${countOf(issues.length, 'problem')}):`, issues);
  }
  return scores.map((score) => (score > threshold ? 1 : 0));
}
