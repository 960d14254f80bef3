import { SeqpipeError, describeValue, formatIssue, type Issue } from '@seqpipe/errors';

/** How many issues a message lists before it says "and N more" (all of them stay on `error.issues`). */
const LISTED_ISSUES = 8;

/**
 * Throws one `SEQPIPE_EVAL_INVALID` error carrying every issue; the message lists the first few,
 * one per line, then the hint.
 */
export function throwInvalid(
  headline: string,
  issues: readonly Issue[],
  options: { file?: string | undefined; hint?: string | undefined } = {},
): never {
  const lines = [headline];
  for (const issue of issues.slice(0, LISTED_ISSUES)) lines.push(`  ${formatIssue(issue)}`);
  if (issues.length > LISTED_ISSUES) lines.push(`  … and ${issues.length - LISTED_ISSUES} more`);
  if (options.hint !== undefined) lines.push(options.hint);
  throw new SeqpipeError(
    'SEQPIPE_EVAL_INVALID',
    lines.join('\n'),
    options.file === undefined ? { issues } : { file: options.file, issues },
  );
}

/** `"1 problem"`, `"3 problems"`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `describeValue`, except that non-finite numbers show as `NaN` / `Infinity`, not JSON's `null`. */
export function describeReceived(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value)
    ? String(value)
    : describeValue(value);
}
