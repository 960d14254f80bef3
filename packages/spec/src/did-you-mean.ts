/** Levenshtein edit distance (insertions, deletions, substitutions each cost 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Case, `_` and `-` do not count: `simple_rnn`, `SimpleRNN` and `simpleRnn` are the same word. */
function normalize(word: string): string {
  return word.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The candidate closest to `input`, when it is close enough to be a likely typo:
 * equal ignoring case/`_`/`-`, within max(1, length/3) edits (ties go to the earlier candidate),
 * or the start of exactly one candidate (at least 3 characters).
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  if (bestDistance <= limit) return best;
  // A clear abbreviation: `binary` for `binaryClassification`.
  if (wanted.length < 3) return undefined;
  const prefixed = candidates.filter((candidate) => normalize(candidate).startsWith(wanted));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `did you mean "lstm"?` or undefined. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const match = closestMatch(input, candidates);
  return match === undefined ? undefined : `did you mean ${JSON.stringify(match)}?`;
}
