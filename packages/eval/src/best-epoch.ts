import type { History } from './report-input.js';

/**
 * The 1-based epoch with the lowest validation loss (`history.valLoss`), the earliest on ties;
 * `undefined` when there is no finite validation loss.
 */
export function bestEpoch(history: History): number | undefined {
  const losses = history['valLoss'] ?? [];
  let best: number | undefined;
  let bestLoss = Infinity;
  losses.forEach((loss, index) => {
    if (Number.isFinite(loss) && loss < bestLoss) {
      bestLoss = loss;
      best = index + 1;
    }
  });
  return best;
}
