/**
 * Metrics of predicted token sequences against references (seq2seq evaluation). Pure
 * functions over plain arrays; no tfjs.
 */

/** Levenshtein distance between two token sequences (insertions, deletions, substitutions cost 1). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

export interface SequenceMetrics {
  /** Pairs compared. */
  readonly count: number;
  /** Share of predictions equal to their reference, token for token. */
  readonly exactMatch: number;
  /** Share of reference tokens matched by the prediction's token at the same position. */
  readonly tokenAccuracy: number;
  /**
   * Token edit distance over reference tokens, summed over the corpus: the character error
   * rate for character targets, the phoneme error rate for phoneme targets.
   */
  readonly tokenErrorRate: number;
  /** Word-level edit distance over reference words (texts split on whitespace). */
  readonly wordErrorRate: number;
  /** 1 - exactMatch: for grapheme-to-phoneme, the "word error rate" of the literature. */
  readonly sequenceErrorRate: number;
  /** Corpus BLEU-4 over words (0..1). */
  readonly bleu: number;
}

/**
 * Every sequence metric at once. `references[i]` and `predictions[i]` are token lists; words
 * for WER and BLEU come from `referenceTexts`/`predictionTexts` split on whitespace.
 */
export function sequenceMetrics(input: {
  readonly references: readonly (readonly string[])[];
  readonly predictions: readonly (readonly string[])[];
  readonly referenceTexts: readonly string[];
  readonly predictionTexts: readonly string[];
}): SequenceMetrics {
  const { references, predictions } = input;
  if (references.length !== predictions.length) {
    throw new RangeError(
      `sequenceMetrics: ${references.length} references but ${predictions.length} predictions`,
    );
  }
  let exact = 0;
  let positionHits = 0;
  let referenceTokens = 0;
  let tokenEdits = 0;
  let wordEdits = 0;
  let referenceWords = 0;
  const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');
  references.forEach((reference, i) => {
    const prediction = predictions[i] ?? [];
    if (reference.length === prediction.length && reference.every((t, k) => t === prediction[k]))
      exact++;
    reference.forEach((t, k) => {
      if (prediction[k] === t) positionHits++;
    });
    referenceTokens += reference.length;
    tokenEdits += editDistance(reference, prediction);
    const refWords = words(input.referenceTexts[i] ?? '');
    wordEdits += editDistance(refWords, words(input.predictionTexts[i] ?? ''));
    referenceWords += refWords.length;
  });
  const n = references.length;
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return {
    count: n,
    exactMatch: ratio(exact, n),
    tokenAccuracy: ratio(positionHits, referenceTokens),
    tokenErrorRate: ratio(tokenEdits, referenceTokens),
    wordErrorRate: ratio(wordEdits, referenceWords),
    sequenceErrorRate: n === 0 ? 0 : 1 - exact / n,
    bleu: corpusBleu(input.referenceTexts.map(words), input.predictionTexts.map(words)),
  };
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Corpus BLEU (Papineni et al. 2002) with one reference per hypothesis: the geometric mean of
 * clipped n-gram precisions for n = 1..maxN, summed over the corpus, times the brevity
 * penalty exp(1 - r/c) when the hypotheses are shorter than the references. No smoothing
 * (as sacrebleu's `smooth_method="none"`): 0 when some order has no match.
 */
export function corpusBleu(
  references: readonly (readonly string[])[],
  hypotheses: readonly (readonly string[])[],
  maxN = 4,
): number {
  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let refLength = 0;
  let hypLength = 0;
  hypotheses.forEach((hypothesis, i) => {
    const reference = references[i] ?? [];
    refLength += reference.length;
    hypLength += hypothesis.length;
    for (let n = 1; n <= maxN; n++) {
      const refCounts = ngramCounts(reference, n);
      for (const [gram, count] of ngramCounts(hypothesis, n)) {
        matches[n - 1] = (matches[n - 1] ?? 0) + Math.min(count, refCounts.get(gram) ?? 0);
      }
      totals[n - 1] = (totals[n - 1] ?? 0) + Math.max(0, hypothesis.length - n + 1);
    }
  });
  if (hypLength === 0) return 0;
  let logPrecision = 0;
  for (let n = 0; n < maxN; n++) {
    if ((matches[n] ?? 0) === 0 || (totals[n] ?? 0) === 0) return 0;
    logPrecision += Math.log((matches[n] as number) / (totals[n] as number)) / maxN;
  }
  const brevity = hypLength < refLength ? Math.exp(1 - refLength / hypLength) : 1;
  return brevity * Math.exp(logPrecision);
}
