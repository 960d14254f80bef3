import { escapeMarkdownCell, markdownTable } from './markdown-table.js';
import type { LayerSummary, Seq2seqRecord } from './report-input.js';
import { reportInputFromSeq2seqEvaluation, seq2seqAnalysisMarkdown } from './seq2seq-section.js';
import type { SequenceMetrics } from './sequence-metrics.js';

/** One row of the sample table. */
export interface TranslationSample {
  readonly source: string;
  readonly reference?: string | undefined;
  readonly prediction: string;
}

/** What a seq2seq evaluation measured: written as metrics.json and rendered as report.md. */
export interface Seq2seqEvaluation {
  readonly schemaVersion: 1;
  readonly task: 'seq2seq';
  readonly pipeline: { readonly name: string; readonly description?: string | undefined };
  readonly decode: {
    readonly strategy: 'greedy' | 'beam';
    readonly beamWidth: number;
    readonly maxLength: number;
  };
  /** Metrics per held-out split that has pairs. */
  readonly splits: Readonly<Partial<Record<'validation' | 'test', SequenceMetrics>>>;
  readonly training: {
    readonly seconds: number;
    readonly epochs: number;
    readonly trainSize: number;
    readonly totalParams?: number | undefined;
    readonly backend: string;
    readonly history?: Readonly<Record<string, readonly number[]>> | undefined;
  };
  readonly samples: readonly TranslationSample[];
  readonly examples: readonly TranslationSample[];
  readonly seconds: number;
  /**
   * Every held-out pair with its token edits, for the error-rate-by-length chart and the diff
   * table. Optional (files written before it still parse); `schemaVersion` stays 1.
   */
  readonly records?:
    | {
        readonly validation?: readonly Seq2seqRecord[] | undefined;
        readonly test?: readonly Seq2seqRecord[] | undefined;
      }
    | undefined;
  /** Layers of the model and data sizes from the artifact's training record (optional). */
  readonly model?:
    { readonly layers: readonly LayerSummary[]; readonly totalParams: number } | undefined;
  readonly data?:
    | {
        readonly validation: number;
        readonly test: number;
        readonly inputVocabularySize: number;
        readonly targetVocabularySize: number;
        readonly inputLength: number;
        readonly targetLength: number;
      }
    | undefined;
  /** Seed of the run (from the manifest). */
  readonly seed?: number | undefined;
}

const pct = (value: number): string => `${(100 * value).toFixed(2)}%`;

/** The Markdown report of a seq2seq evaluation: metrics per split, then sample translations. */
export function renderSeq2seqMarkdown(evaluation: Seq2seqEvaluation): string {
  const lines: string[] = [`# ${evaluation.pipeline.name}`, ''];
  if (evaluation.pipeline.description !== undefined)
    lines.push(evaluation.pipeline.description, '');
  const t = evaluation.training;
  lines.push(
    `Task seq2seq · trained ${t.epochs} epochs on ${t.trainSize} pairs in ${t.seconds.toFixed(1)} s (${t.backend})` +
      `${t.totalParams !== undefined ? ` · ${t.totalParams} parameters` : ''} · decoding ${evaluation.decode.strategy}` +
      `${evaluation.decode.strategy === 'beam' ? ` (width ${evaluation.decode.beamWidth})` : ''}, at most ${evaluation.decode.maxLength} tokens`,
    '',
    '## Metrics',
    '',
  );
  const splits = (['validation', 'test'] as const).filter(
    (s) => evaluation.splits[s] !== undefined,
  );
  const rows: Array<[string, (m: SequenceMetrics) => string]> = [
    ['pairs', (m) => String(m.count)],
    ['exact-sequence accuracy', (m) => pct(m.exactMatch)],
    ['token accuracy (same position)', (m) => pct(m.tokenAccuracy)],
    ['token error rate (CER / PER)', (m) => pct(m.tokenErrorRate)],
    ['word error rate (word edit distance)', (m) => pct(m.wordErrorRate)],
    ['sequence error rate (G2P "WER")', (m) => pct(m.sequenceErrorRate)],
    ['corpus BLEU-4', (m) => (100 * m.bleu).toFixed(2)],
  ];
  lines.push(
    ...markdownTable(
      ['metric', ...splits],
      ['left', ...splits.map(() => 'right' as const)],
      rows.map(([name, cell]) => [
        name,
        ...splits.map((s) => cell(evaluation.splits[s] as SequenceMetrics)),
      ]),
    ),
    '',
  );
  const table = (samples: readonly TranslationSample[], withReference: boolean): string[] =>
    markdownTable(
      withReference ? ['source', 'reference', 'prediction', ''] : ['source', 'prediction'],
      withReference ? ['left', 'left', 'left', 'left'] : ['left', 'left'],
      samples.map((s) =>
        withReference
          ? [
              escapeMarkdownCell(s.source),
              escapeMarkdownCell(s.reference ?? ''),
              escapeMarkdownCell(s.prediction),
              s.prediction === s.reference ? '✓' : '✗',
            ]
          : [escapeMarkdownCell(s.source), escapeMarkdownCell(s.prediction)],
      ),
    );
  const hasRecords =
    (evaluation.records?.validation?.length ?? 0) + (evaluation.records?.test?.length ?? 0) > 0;
  const data = reportInputFromSeq2seqEvaluation(evaluation).seq2seq;
  if (hasRecords && data !== undefined) {
    // error rate by source length and the sample table with the differences marked
    lines.push(...seq2seqAnalysisMarkdown(data));
  } else if (evaluation.samples.length > 0) {
    lines.push('## Sample translations (held out)', '', ...table(evaluation.samples, true), '');
  }
  if (evaluation.examples.length > 0) {
    lines.push('## Examples', '', ...table(evaluation.examples, false), '');
  }
  return `${lines.join('\n')}\n`;
}
