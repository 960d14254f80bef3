/**
 * Character-level differences between a reference and a prediction, from a Levenshtein
 * alignment: what the seq2seq report highlights in its sample table.
 */

/** `equal`: same characters; `substitute`: reference characters replaced by predicted ones;
 * `delete`: reference characters the prediction lacks; `insert`: extra predicted characters. */
export type DiffOp = 'equal' | 'substitute' | 'delete' | 'insert';

/** A run of characters with one operation (`reference`/`prediction` is `''` where not applicable). */
export interface DiffSegment {
  readonly op: DiffOp;
  readonly reference: string;
  readonly prediction: string;
}

/**
 * Aligns two texts character by character (Unicode code points) with unit-cost insertions,
 * deletions and substitutions, and returns the runs of the alignment in reading order. Adjacent
 * characters with the same operation are merged. Among alignments of equal cost the one found
 * by backtracking from the end, preferring match/substitution, then deletion, then insertion.
 * The number of non-`equal` characters on the longer side of each segment sums to the edit
 * distance (`diffEdits`).
 *
 * @example
 * alignCharacters('kitten', 'sitting');
 * // [sub k→s] [equal itt] [sub e→i] [equal n] [insert g]
 */
export function alignCharacters(reference: string, prediction: string): DiffSegment[] {
  const a = Array.from(reference);
  const b = Array.from(prediction);
  const width = b.length + 1;
  const d = new Uint32Array((a.length + 1) * width);
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    d[i * width] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i * width + j] = Math.min(
        (d[(i - 1) * width + j - 1] as number) + cost,
        (d[(i - 1) * width + j] as number) + 1,
        (d[i * width + j - 1] as number) + 1,
      );
    }
  }
  const at = (i: number, j: number): number => d[i * width + j] as number;
  const steps: Array<{ op: DiffOp; reference: string; prediction: string }> = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const here = at(i, j);
    if (i > 0 && j > 0 && a[i - 1] === b[j - 1] && here === at(i - 1, j - 1)) {
      steps.push({ op: 'equal', reference: a[i - 1] as string, prediction: b[j - 1] as string });
      i--;
      j--;
    } else if (i > 0 && j > 0 && here === at(i - 1, j - 1) + 1) {
      steps.push({
        op: 'substitute',
        reference: a[i - 1] as string,
        prediction: b[j - 1] as string,
      });
      i--;
      j--;
    } else if (i > 0 && here === at(i - 1, j) + 1) {
      steps.push({ op: 'delete', reference: a[i - 1] as string, prediction: '' });
      i--;
    } else {
      steps.push({ op: 'insert', reference: '', prediction: b[j - 1] as string });
      j--;
    }
  }
  const segments: Array<{ op: DiffOp; reference: string; prediction: string }> = [];
  for (const step of steps.reverse()) {
    const last = segments[segments.length - 1];
    if (last !== undefined && last.op === step.op) {
      last.reference += step.reference;
      last.prediction += step.prediction;
    } else {
      segments.push({ ...step });
    }
  }
  return segments;
}

/** Character edits of an alignment: its Levenshtein distance. */
export function diffEdits(segments: readonly DiffSegment[]): number {
  return segments.reduce(
    (sum, s) =>
      s.op === 'equal'
        ? sum
        : sum + Math.max(Array.from(s.reference).length, Array.from(s.prediction).length),
    0,
  );
}
