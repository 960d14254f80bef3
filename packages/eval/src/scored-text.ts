/** Longest text kept per scored example in `metrics.json` (and so in reports). */
export const MAX_SCORED_TEXT = 300;

/**
 * A held-out text as `metrics.json` keeps it: at most `MAX_SCORED_TEXT` characters (code points,
 * so a surrogate pair is never split), the last one an ellipsis when the text was cut.
 *
 * @example
 * scoredText('short'); // 'short'
 */
export function scoredText(text: string, max = MAX_SCORED_TEXT): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
