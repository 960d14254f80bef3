import { SeqpipeError, describeValue, type Issue } from '@seqpipe/errors';
import type { FileDigest } from './manifest.js';

/** `manifest.json` of a seq2seq artifact (`task: "seq2seq"`); classification manifests are unchanged. */
export interface Seq2seqManifest {
  readonly formatVersion: 1;
  readonly name: string;
  readonly task: 'seq2seq';
  readonly pipelineHash: string;
  readonly createdAt: string;
  readonly seq2seq: {
    readonly cell: 'lstm' | 'gru';
    /** Size of each decoder state tensor, in the order the encoder outputs and the decoder step takes them. */
    readonly stateSizes: readonly number[];
    /** Longest source kept in training (in tokens); longer inputs are cut to it. */
    readonly inputMaxLength: number;
    readonly decode: {
      readonly strategy: 'greedy' | 'beam';
      readonly beamWidth: number;
      readonly maxLength: number;
    };
  };
  readonly backend: { readonly backend: string; readonly simd: boolean; readonly threads: number };
  readonly training: {
    readonly seed: number;
    readonly epochs: number;
    readonly seconds: number;
    readonly trainSize: number;
    readonly validationSize: number;
  };
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * vocabularies.json ({ input, target }), model.json + weights.bin (the teacher-forcing
   * training model, stock-loadable), encoder.json + encoder.bin, decoder.json + decoder.bin.
   */
  readonly files: Readonly<Record<string, FileDigest>>;
}

export const SEQ2SEQ_FILES = [
  'vocabularies.json',
  'encoder.json',
  'encoder.bin',
  'decoder.json',
  'decoder.bin',
] as const;

/** Validates a seq2seq manifest (no code generation), every problem with its JSON Pointer. */
export function parseSeq2seqManifest(doc: unknown, file = 'manifest.json'): Seq2seqManifest {
  const issues: Issue[] = [];
  const m = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const fail = (path: string, expected: string, value: unknown) =>
    issues.push({ path, message: 'invalid value', expected, received: describeValue(value) });
  if (m['formatVersion'] !== 1) fail('/formatVersion', '1', m['formatVersion']);
  if (m['task'] !== 'seq2seq') fail('/task', '"seq2seq"', m['task']);
  const s = (m['seq2seq'] ?? {}) as Record<string, unknown>;
  if (
    !Array.isArray(s['stateSizes']) ||
    !s['stateSizes'].every((n) => Number.isInteger(n) && n > 0)
  )
    fail('/seq2seq/stateSizes', 'an array of positive integers', s['stateSizes']);
  if (!Number.isInteger(s['inputMaxLength']))
    fail('/seq2seq/inputMaxLength', 'an integer', s['inputMaxLength']);
  const d = (s['decode'] ?? {}) as Record<string, unknown>;
  if (d['strategy'] !== 'greedy' && d['strategy'] !== 'beam')
    fail('/seq2seq/decode/strategy', '"greedy" or "beam"', d['strategy']);
  if (!Number.isInteger(d['beamWidth']))
    fail('/seq2seq/decode/beamWidth', 'an integer', d['beamWidth']);
  if (!Number.isInteger(d['maxLength']))
    fail('/seq2seq/decode/maxLength', 'an integer', d['maxLength']);
  const files = (m['files'] ?? {}) as Record<string, unknown>;
  for (const name of SEQ2SEQ_FILES) {
    if (!(name in files))
      issues.push({ path: `/files/${name}`, message: `missing entry for ${name}` });
  }
  if (issues.length > 0) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `${file} is not a valid seqpipe seq2seq manifest (${issues.length} problem${issues.length === 1 ? '' : 's'}). Re-create the artifact with \`seqpipe train\`.`,
      { file, issues },
    );
  }
  return doc as Seq2seqManifest;
}
