/**
 * Stable machine-readable error codes. A code never changes meaning once published;
 * tools and tests match on the code, people read the message.
 */
export type SeqpipeErrorCode =
  | 'SEQPIPE_SPEC_INVALID'
  | 'SEQPIPE_SPEC_PARSE'
  | 'SEQPIPE_SPEC_COMPILE'
  | 'SEQPIPE_TOKENIZER_JSON'
  | 'SEQPIPE_TEXT_INVALID'
  | 'SEQPIPE_DATA_NOT_FOUND'
  | 'SEQPIPE_DATA_MALFORMED'
  | 'SEQPIPE_DATA_EMPTY'
  | 'SEQPIPE_BACKEND_UNAVAILABLE'
  | 'SEQPIPE_TRAIN_FAILED'
  | 'SEQPIPE_ARTIFACT_INVALID'
  | 'SEQPIPE_ARTIFACT_NOT_FOUND'
  | 'SEQPIPE_EVAL_INVALID'
  | 'SEQPIPE_RUNTIME_INPUT'
  | 'SEQPIPE_BUNDLE_FAILED'
  | 'SEQPIPE_USAGE';

/** One problem found in an input, located by a JSON Pointer inside a named file. */
export interface Issue {
  /** JSON Pointer (RFC 6901) into the document, `""` for the whole document. */
  readonly path: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What was expected at `path`, when that can be said. */
  readonly expected?: string;
  /** What was found at `path`, rendered short. */
  readonly received?: string;
  /** How to fix it (a did-you-mean, an allowed value, a next step). */
  readonly hint?: string;
}

export interface SeqpipeErrorOptions {
  /** The file the problem is in, when there is one. */
  readonly file?: string;
  /** Every problem found, when the error gathers several. */
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

/**
 * The one base class of every error seqpipe throws on purpose. Anything else reaching a
 * user is a bug. The CLI prints `message` (and `issues`) without a stack trace.
 */
export class SeqpipeError extends Error {
  readonly code: SeqpipeErrorCode;
  readonly file: string | undefined;
  readonly issues: readonly Issue[];

  constructor(code: SeqpipeErrorCode, message: string, options: SeqpipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SeqpipeError';
    this.code = code;
    this.file = options.file;
    this.issues = options.issues ?? [];
  }
}

/** True for a SeqpipeError, also across duplicated module instances (checks the shape). */
export function isSeqpipeError(error: unknown): error is SeqpipeError {
  if (error instanceof SeqpipeError) return true;
  if (!(error instanceof Error)) return false;
  const { code, issues } = error as Error & { code?: unknown; issues?: unknown };
  return typeof code === 'string' && code.startsWith('SEQPIPE_') && Array.isArray(issues);
}

/** Renders an issue as one line: `/model/layers/1/type: unknown layer "lstn" (did you mean "lstm"?)`. */
export function formatIssue(issue: Issue): string {
  const where = issue.path === '' ? '(root)' : issue.path;
  const parts = [`${where}: ${issue.message}`];
  if (issue.expected !== undefined) parts.push(`expected ${issue.expected}`);
  if (issue.received !== undefined) parts.push(`received ${issue.received}`);
  let line = parts.join('; ');
  if (issue.hint !== undefined) line += ` (${issue.hint})`;
  return line;
}

/** Short, safe rendering of any JSON value for "received ..." messages. */
export function describeValue(value: unknown, maxLength = 60): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
