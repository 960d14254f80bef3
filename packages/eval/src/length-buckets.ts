/** One held-out pair as `seqpipe evaluate` records it for the seq2seq report. */
export interface LengthRecord {
  readonly source: string;
  /** Token edit distance between reference and prediction (target tokenizer). */
  readonly edits: number;
  /** Tokens in the reference. */
  readonly referenceTokens: number;
  readonly reference: string;
  readonly prediction: string;
}

/** Pairs whose source length (in characters) falls in `from..to`, inclusive. */
export interface LengthBucket {
  readonly from: number;
  readonly to: number;
  /** Pairs in the bucket. */
  readonly count: number;
  /** Σ token edits / Σ reference tokens over the bucket: its character (or token) error rate. */
  readonly errorRate: number;
  /** Share of the bucket's pairs predicted exactly (no token edit). */
  readonly exactMatch: number;
  readonly edits: number;
  readonly referenceTokens: number;
}

/** Source length as the report counts it: Unicode code points. */
export function sourceLength(source: string): number {
  return Array.from(source).length;
}

/**
 * Groups pairs by source length into at most `maxBuckets` equal-width buckets of whole
 * lengths, from the shortest source to the longest (one bucket per length when there are at most
 * `maxBuckets` lengths in that range). Empty buckets are left out. Each bucket's error rate is
 * pooled over its tokens, like the headline token error rate, so the buckets' rates weighted by
 * their reference tokens give back the split's rate.
 *
 * @example
 * // lengths 1, 2, 2, 5 with 2 buckets: width 3 → 1..3 (3 pairs) and 4..6 (1 pair)
 */
export function lengthBuckets(records: readonly LengthRecord[], maxBuckets = 10): LengthBucket[] {
  if (records.length === 0) return [];
  const lengths = records.map((r) => sourceLength(r.source));
  const min = Math.min(...lengths);
  const max = Math.max(...lengths);
  const width = Math.max(1, Math.ceil((max - min + 1) / Math.max(1, Math.floor(maxBuckets))));
  const sums = new Map<number, { count: number; edits: number; tokens: number; exact: number }>();
  records.forEach((record, i) => {
    const k = Math.floor(((lengths[i] as number) - min) / width);
    const sum = sums.get(k) ?? { count: 0, edits: 0, tokens: 0, exact: 0 };
    sum.count++;
    sum.edits += record.edits;
    sum.tokens += record.referenceTokens;
    if (record.edits === 0) sum.exact++;
    sums.set(k, sum);
  });
  return [...sums.entries()]
    .sort(([a], [b]) => a - b)
    .map(([k, s]) => ({
      from: min + k * width,
      to: min + k * width + width - 1,
      count: s.count,
      errorRate: s.tokens === 0 ? 0 : s.edits / s.tokens,
      exactMatch: s.exact / s.count,
      edits: s.edits,
      referenceTokens: s.tokens,
    }));
}
