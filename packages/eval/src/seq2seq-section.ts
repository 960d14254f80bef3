import { lineChart, type ChartSpec, type SeriesPoint } from './chart-specs.js';
import { fixed4, grouped } from './format-number.js';
import { chartFigure, escapeHtml, htmlTable } from './html-page.js';
import { lengthBuckets, type LengthBucket } from './length-buckets.js';
import { escapeMarkdownCell, markdownTable } from './markdown-table.js';
import type { ReportInput, Seq2seqRecord, Seq2seqReportData } from './report-input.js';
import { alignCharacters, type DiffSegment } from './sequence-diff.js';
import type { Seq2seqEvaluation } from './seq2seq-report.js';
import type { SequenceMetrics } from './sequence-metrics.js';
import type { TaskReportSection } from './task-report-section.js';

/** Rows of the diff table: wrong predictions first, then right ones, in split order. */
export const DIFF_ROWS = 20;
/** Most source-length buckets per split. */
export const LENGTH_BUCKETS = 10;

const SPLITS = ['validation', 'test'] as const;
type SplitName = (typeof SPLITS)[number];

const pct = (value: number): string => `${(100 * value).toFixed(2)}%`;

/** Held-out splits with records, in report order. */
function recordSplits(
  data: Seq2seqReportData,
): Array<{ name: SplitName; records: Seq2seqRecord[] }> {
  return SPLITS.flatMap((name) => {
    const records = data.records?.[name];
    return records !== undefined && records.length > 0 ? [{ name, records }] : [];
  });
}

/** Bucket of each split with records. */
export function seq2seqLengthBuckets(
  data: Seq2seqReportData,
): Array<{ name: SplitName; buckets: LengthBucket[] }> {
  return recordSplits(data).map(({ name, records }) => ({
    name,
    buckets: lengthBuckets(records, LENGTH_BUCKETS),
  }));
}

const midpoint = (b: LengthBucket): number => (b.from + b.to) / 2;
const range = (b: LengthBucket): string => (b.from === b.to ? String(b.from) : `${b.from}–${b.to}`);

/** The error-rate-by-source-length chart: one point per bucket and split. */
export function errorByLengthChart(data: Seq2seqReportData): ChartSpec | undefined {
  const splits = seq2seqLengthBuckets(data);
  if (splits.length === 0) return undefined;
  const points: SeriesPoint[] = splits.flatMap(({ name, buckets }) =>
    buckets.map((b) => ({ x: midpoint(b), y: b.errorRate, series: name })),
  );
  const top = Math.max(0.05, Math.ceil(Math.max(...points.map((p) => p.y)) * 20) / 20);
  const unit = splits.every(({ buckets }) => buckets.every((b) => b.from === b.to));
  return lineChart({
    id: 'error-by-length',
    title: 'Error rate by source length',
    description: `Token edits over reference tokens (the character error rate for character targets) per source length in characters${unit ? '' : ', bucket midpoints'}.`,
    xTitle: 'Source length (characters)',
    yTitle: 'Token error rate',
    yDomain: [0, top],
    integerX: unit,
    series: splits.map((s) => s.name),
    points,
  });
}

/** The diff of a prediction against its reference as HTML: `<del>` / `<ins>`, text escaped. */
export function diffHtml(segments: readonly DiffSegment[]): string {
  return segments
    .map((s) => {
      const del = `<del class="diff" title="missing">${escapeHtml(s.reference)}</del>`;
      const ins = `<ins class="diff" title="extra">${escapeHtml(s.prediction)}</ins>`;
      switch (s.op) {
        case 'equal':
          return escapeHtml(s.prediction);
        case 'delete':
          return del;
        case 'insert':
          return ins;
        default:
          return `<del class="diff sub" title="replaced">${escapeHtml(s.reference)}</del><ins class="diff sub" title="replacement">${escapeHtml(s.prediction)}</ins>`;
      }
    })
    .join('');
}

/** The same diff for a Markdown table cell (GitHub renders `<del>`/`<ins>`). */
export function diffMarkdown(segments: readonly DiffSegment[]): string {
  return segments
    .map((s) => {
      const del = s.reference === '' ? '' : `<del>${escapeMarkdownCell(s.reference)}</del>`;
      const ins = s.prediction === '' ? '' : `<ins>${escapeMarkdownCell(s.prediction)}</ins>`;
      return s.op === 'equal' ? escapeMarkdownCell(s.prediction) : del + ins;
    })
    .join('');
}

/** Up to `DIFF_ROWS` pairs of the first split with records (test first), wrong ones first. */
export function diffRows(data: Seq2seqReportData): {
  split: SplitName | undefined;
  rows: Array<{
    source: string;
    reference: string;
    prediction: string;
    edits?: number | undefined;
  }>;
} {
  const splits = recordSplits(data);
  const chosen = splits.find((s) => s.name === 'test') ?? splits[0];
  if (chosen === undefined) {
    return {
      split: undefined,
      rows: data.samples
        .flatMap((s) =>
          s.reference === undefined
            ? []
            : [{ source: s.source, reference: s.reference, prediction: s.prediction }],
        )
        .slice(0, DIFF_ROWS),
    };
  }
  const wrong = chosen.records.filter((r) => r.edits > 0);
  const right = chosen.records.filter((r) => r.edits === 0);
  return { split: chosen.name, rows: [...wrong, ...right].slice(0, DIFF_ROWS) };
}

function bucketTableRows(data: Seq2seqReportData): string[][] {
  return seq2seqLengthBuckets(data).flatMap(({ name, buckets }) =>
    buckets.map((b) => [name, range(b), grouped(b.count), pct(b.exactMatch), pct(b.errorRate)]),
  );
}

const BUCKET_HEADERS = ['Split', 'Source length', 'Pairs', 'Exact', 'Token error rate'];

function legendHtml(): string {
  return `<p class="muted">In the prediction column <del class="diff">struck red</del> marks reference characters the prediction lacks (or replaced), <ins class="diff">underlined green</ins> characters the prediction has instead or in excess; the alignment is a character-level edit distance.</p>`;
}

async function seq2seqHtml(
  input: ReportInput,
  render: (chart: ChartSpec) => Promise<string>,
): Promise<string> {
  const data = input.seq2seq;
  if (data === undefined) return '<p>This run recorded no sequence metrics.</p>';
  const parts: string[] = ['<h3>Error rate by source length</h3>'];
  const chart = errorByLengthChart(data);
  if (chart === undefined) {
    parts.push(
      '<p class="notice">No per-example records in this metrics.json: run <code>seqpipe evaluate</code> again to chart error rate by length.</p>',
    );
  } else {
    parts.push(
      `<div class="charts">${chartFigure(chart, await render(chart))}</div>`,
      htmlTable(BUCKET_HEADERS, bucketTableRows(data), { numericColumns: [2, 3, 4] }),
    );
  }
  const { split, rows } = diffRows(data);
  parts.push(`<h3>Sample translations${split === undefined ? '' : ` (${split})`}</h3>`);
  if (rows.length === 0) {
    parts.push('<p>No held-out pairs.</p>');
  } else {
    parts.push(
      legendHtml(),
      htmlTable(
        ['Source', 'Reference', 'Prediction (differences marked)', 'Edits'],
        rows.map((r) => {
          const segments = alignCharacters(r.reference, r.prediction);
          const edits = r.edits ?? segments.filter((s) => s.op !== 'equal').length;
          return [
            r.source,
            r.reference,
            { html: diffHtml(segments) },
            { text: edits === 0 ? '✓ 0' : `✗ ${edits}`, numeric: true },
          ];
        }),
        { className: 'texts diff-table' },
      ),
      `<p class="muted">Wrong predictions first (edits counted in target tokens), then right ones; at most ${DIFF_ROWS} rows.</p>`,
    );
  }
  return parts.join('\n');
}

/** Markdown of the seq2seq analysis: the length buckets and the diff table. */
export function seq2seqAnalysisMarkdown(data: Seq2seqReportData): string[] {
  const lines: string[] = ['## Error rate by source length', ''];
  const rows = bucketTableRows(data);
  if (rows.length === 0) {
    lines.push(
      'No per-example records: run `seqpipe evaluate` again to see error rate by length.',
      '',
    );
  } else {
    lines.push(
      ...markdownTable(
        BUCKET_HEADERS.map((h) => h.toLowerCase()),
        ['left', 'left', 'right', 'right', 'right'],
        rows,
      ),
      '',
    );
  }
  const { split, rows: samples } = diffRows(data);
  if (samples.length > 0) {
    lines.push(
      `## Sample translations${split === undefined ? '' : ` (${split})`}`,
      '',
      'Differences from the reference: <del>missing</del>, <ins>extra</ins>. Wrong predictions first.',
      '',
      ...markdownTable(
        ['source', 'reference', 'prediction', 'edits'],
        ['left', 'left', 'left', 'right'],
        samples.map((r) => {
          const segments = alignCharacters(r.reference, r.prediction);
          const edits = r.edits ?? segments.filter((s) => s.op !== 'equal').length;
          return [
            escapeMarkdownCell(r.source),
            escapeMarkdownCell(r.reference),
            diffMarkdown(segments),
            edits === 0 ? '✓ 0' : `✗ ${edits}`,
          ];
        }),
      ),
      '',
    );
  }
  return lines;
}

/** The seq2seq section of report.html and report.md (`taskReportSections.seq2seq`). */
export const seq2seqSection: TaskReportSection = {
  title: 'Sequence analysis',
  html: seq2seqHtml,
  markdown: (input) => (input.seq2seq === undefined ? [] : seq2seqAnalysisMarkdown(input.seq2seq)),
};

/** Sequence metrics rows of the report's metrics table. */
export const SEQUENCE_METRIC_ROWS: ReadonlyArray<[string, (m: SequenceMetrics) => string]> = [
  ['exact-sequence accuracy', (m) => pct(m.exactMatch)],
  ['token accuracy (same position)', (m) => pct(m.tokenAccuracy)],
  ['token error rate (CER / PER)', (m) => pct(m.tokenErrorRate)],
  ['word error rate', (m) => pct(m.wordErrorRate)],
  ['corpus BLEU-4', (m) => (100 * m.bleu).toFixed(2)],
];

/** The HTML metrics table of a seq2seq run, one row per split. */
export function seq2seqMetricsHtml(data: Seq2seqReportData): string {
  const splits = SPLITS.flatMap((name) => {
    const m = data.splits[name];
    return m === undefined ? [] : [{ name, m }];
  });
  if (splits.length === 0) return '<p>No validation or test split: nothing was scored.</p>';
  return [
    htmlTable(
      ['Split', 'Pairs', 'Exact', 'Token accuracy', 'Token error rate', 'WER', 'BLEU-4'],
      splits.map(({ name, m }) => [
        name,
        grouped(m.count),
        pct(m.exactMatch),
        pct(m.tokenAccuracy),
        pct(m.tokenErrorRate),
        pct(m.wordErrorRate),
        (100 * m.bleu).toFixed(2),
      ]),
      { numericColumns: [1, 2, 3, 4, 5, 6] },
    ),
    `<p class="muted">Decoding ${escapeHtml(data.decode.strategy)}${data.decode.strategy === 'beam' ? ` (width ${data.decode.beamWidth})` : ''}, at most ${data.decode.maxLength} tokens. Token error rate: token edit distance over reference tokens (CER for characters, PER for phonemes); exact: whole sequence right.</p>`,
  ].join('\n');
}

/** Header cards of a seq2seq run: exact-sequence accuracy and token error rate. */
export function seq2seqCards(data: Seq2seqReportData): Array<[string, string]> {
  const name = data.splits.test !== undefined ? 'test' : 'validation';
  const m = data.splits[name];
  if (m === undefined) return [];
  return [
    [pct(m.exactMatch), `${name} exact-sequence accuracy`],
    [pct(m.tokenErrorRate), `${name} token error rate`],
    [fixed4(m.bleu), `${name} BLEU-4`],
  ];
}

/**
 * The report input of a seq2seq evaluation (its `metrics.json`), so report.html renders it with
 * the generic page plus this section.
 */
export function reportInputFromSeq2seqEvaluation(evaluation: Seq2seqEvaluation): ReportInput {
  const t = evaluation.training;
  const backend = /^(\S+)( SIMD)?, (\d+) thread/.exec(t.backend);
  const records = evaluation.records;
  return {
    pipeline: {
      name: evaluation.pipeline.name,
      task: 'seq2seq',
      description: evaluation.pipeline.description,
    },
    data: {
      train: t.trainSize,
      validation: evaluation.data?.validation ?? evaluation.splits.validation?.count ?? 0,
      test: evaluation.data?.test ?? evaluation.splits.test?.count ?? 0,
      vocabularySize: evaluation.data?.inputVocabularySize ?? 0,
      maxLen: evaluation.data?.inputLength ?? 0,
    },
    model: {
      layers: (evaluation.model?.layers ?? []).map((l) => ({ ...l })),
      totalParams: evaluation.model?.totalParams ?? t.totalParams ?? 0,
    },
    backend:
      backend === null
        ? { backend: t.backend, simd: false, threads: 1 }
        : {
            backend: backend[1] as string,
            simd: backend[2] !== undefined,
            threads: Number(backend[3]),
          },
    training: {
      epochs: t.epochs,
      seconds: t.seconds,
      seed: evaluation.seed ?? 0,
      history: Object.fromEntries(Object.entries(t.history ?? {}).map(([k, v]) => [k, [...v]])),
    },
    metrics: {},
    examples: evaluation.examples.map((e) => ({ text: e.source, label: e.prediction, score: NaN })),
    seq2seq: {
      decode: { ...evaluation.decode },
      splits: { ...evaluation.splits },
      ...(records === undefined
        ? {}
        : {
            records: {
              ...(records.validation ? { validation: [...records.validation] } : {}),
              ...(records.test ? { test: [...records.test] } : {}),
            },
          }),
      samples: evaluation.samples.map((s) => ({ ...s })),
    },
  };
}
