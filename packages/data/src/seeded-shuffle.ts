import { createRng } from './create-rng.js';

/**
 * A shuffled copy of `items` (Fisher-Yates driven by `createRng(seed)`); the input is not
 * changed. The same items and seed give the same order everywhere.
 */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const result = items.slice();
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const item = result[i] as T;
    result[i] = result[j] as T;
    result[j] = item;
  }
  return result;
}
