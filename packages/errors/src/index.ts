export { SeqpipeError, isSeqpipeError, formatIssue, describeValue } from './seqpipe-error.js';
export type { SeqpipeErrorCode, Issue, SeqpipeErrorOptions } from './seqpipe-error.js';
