import { bestEpoch } from './best-epoch.js';
import { classificationSplits } from './classification-section.js';
import { fixed4, grouped } from './format-number.js';
import { chartFigure, escapeHtml, htmlPage, htmlTable } from './html-page.js';
import { epochsRun, learningCurveCharts } from './learning-curve-charts.js';
import type { ReportInput } from './report-input.js';
import { renderChartSvg } from './render-chart.js';
import { seq2seqCards, seq2seqMetricsHtml } from './seq2seq-section.js';
import type { ChartRenderer } from './task-report-section.js';
import { taskReportSections } from './task-report-sections.js';

export interface HtmlReportOptions {
  /** Chart renderer; default Vega-Lite → SVG in this process. */
  render?: ChartRenderer;
}

/**
 * Renders a run as one self-contained HTML page: key numbers, summary, model graph with
 * parameters per layer, metrics, learning curves with the best epoch marked, the task's own
 * section (classification: confusion matrix, ROC and precision-recall curves with AUC,
 * thresholds, calibration, most confidently wrong examples) and the example predictions.
 * Charts are Vega-Lite specs rendered to inline SVG; the page has no script and fetches nothing.
 * Deterministic: the same input gives the same bytes.
 */
export async function renderHtmlReport(
  input: ReportInput,
  options: HtmlReportOptions = {},
): Promise<string> {
  const render = options.render ?? renderChartSvg;
  const task = taskReportSections[input.pipeline.task];
  const taskHtml =
    task === undefined
      ? `<p class="notice">No task-specific analysis for task “${escapeHtml(input.pipeline.task)}” yet.</p>`
      : await task.html(input, render);
  const body = [
    headerHtml(input),
    sectionHtml('summary', 'Summary', summaryHtml(input)),
    sectionHtml('model', 'Model', modelHtml(input)),
    sectionHtml('metrics', 'Metrics', metricsHtml(input)),
    sectionHtml('learning-curves', 'Learning curves', await learningCurvesHtml(input, render)),
    sectionHtml('task', task?.title ?? 'Analysis', taskHtml),
    sectionHtml('examples', 'Example predictions', examplesHtml(input)),
  ];
  return htmlPage(`Report: ${input.pipeline.name}`, body.join('\n'));
}

function sectionHtml(id: string, title: string, html: string): string {
  return `<section class="panel" id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${html}\n</section>`;
}

function headerHtml(input: ReportInput): string {
  const { pipeline, metrics, training } = input;
  const split = metrics.validation ?? metrics.test;
  const splitName = metrics.validation ? 'validation' : 'test';
  const analysis = classificationSplits(input).find((s) => s.name === splitName)?.analysis;
  const cards: Array<[string, string]> = [];
  if (split !== undefined) {
    cards.push([fixed4(split.accuracy), `${splitName} accuracy`]);
    cards.push([fixed4(split.f1), `${splitName} F1${split.average === 'macro' ? ' (macro)' : ''}`]);
  }
  if (analysis?.rocAuc !== undefined) cards.push([fixed4(analysis.rocAuc), `${splitName} ROC AUC`]);
  if (input.seq2seq !== undefined) cards.push(...seq2seqCards(input.seq2seq));
  const best = bestEpoch(training.history);
  if (best !== undefined) cards.push([String(best), 'best epoch (validation loss)']);
  cards.push([`${training.seconds.toFixed(1)} s`, 'training time']);
  return [
    '<header class="page">',
    `<h1>${escapeHtml(pipeline.name)} <span class="badge">${escapeHtml(pipeline.task)}</span></h1>`,
    pipeline.description !== undefined && pipeline.description.trim() !== ''
      ? `<p>${escapeHtml(pipeline.description.trim())}</p>`
      : '',
    `<div class="cards">${cards
      .map(
        ([value, label]) =>
          `<div class="card"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`,
      )
      .join('')}</div>`,
    '</header>',
  ].join('\n');
}

function summaryHtml({ pipeline, data, backend, training }: ReportInput): string {
  const run = epochsRun(training.history);
  const best = bestEpoch(training.history);
  const epochs =
    run > 0 && run < training.epochs
      ? `${grouped(run)} of ${grouped(training.epochs)} epochs (stopped early)`
      : `${grouped(training.epochs)} epoch${training.epochs === 1 ? '' : 's'}`;
  return htmlTable(
    ['Setting', 'Value'],
    [
      ['Task', pipeline.task],
      [
        'Examples',
        `${grouped(data.train)} train · ${grouped(data.validation)} validation · ${grouped(data.test)} test`,
      ],
      ['Vocabulary', `${grouped(data.vocabularySize)} tokens`],
      ['Max length', `${grouped(data.maxLen)} tokens`],
      [
        'Backend',
        `${backend.backend} · SIMD ${backend.simd ? 'on' : 'off'} · ${grouped(backend.threads)} thread${backend.threads === 1 ? '' : 's'}`,
      ],
      ['Training', `${epochs} in ${training.seconds.toFixed(1)} s`],
      [
        'Best epoch',
        best === undefined ? 'n/a (no validation loss)' : `${best} (lowest validation loss)`,
      ],
      ['Seed', String(training.seed)],
    ],
  );
}

function modelHtml({ model, data }: ReportInput): string {
  const total = model.totalParams;
  // Keras-style summaries list the input layer themselves; otherwise the graph starts with one.
  const input =
    model.layers[0]?.type === 'InputLayer'
      ? []
      : [
          `<div class="node"><div class="type">Input</div><div class="meta"><code>[null,${data.maxLen}]</code> token ids</div></div>`,
        ];
  const nodes = [
    ...input,
    ...model.layers.map((layer) => {
      const share = total === 0 ? 0 : (100 * layer.params) / total;
      return [
        '<div class="node">',
        `<div class="type">${escapeHtml(layer.type)}</div>`,
        `<div class="meta"><code>${escapeHtml(layer.name)}</code> → <code>${escapeHtml(layer.outputShape)}</code></div>`,
        `<div class="meta">${grouped(layer.params)} params (${share.toFixed(1)}%)</div>`,
        `<div class="bar"><span style="width:${share.toFixed(1)}%"></span></div>`,
        '</div>',
      ].join('');
    }),
  ];
  return [
    `<div class="graph" aria-label="Model graph">${nodes.join('<div class="arrow">→</div>')}</div>`,
    htmlTable(
      ['Layer', 'Type', 'Output shape', 'Params'],
      [
        ...model.layers.map((l) => [
          { html: `<code>${escapeHtml(l.name)}</code>` },
          l.type,
          { html: `<code>${escapeHtml(l.outputShape)}</code>` },
          grouped(l.params),
        ]),
        [
          { html: '<strong>Total</strong>' },
          '',
          '',
          { html: `<strong>${grouped(total)}</strong>` },
        ],
      ],
      { numericColumns: [3] },
    ),
  ].join('\n');
}

function metricsHtml(input: ReportInput): string {
  if (input.seq2seq !== undefined) return seq2seqMetricsHtml(input.seq2seq);
  const splits = classificationSplits(input).filter((s) => s.metrics !== undefined);
  if (splits.length === 0) return '<p>No validation or test split: nothing was scored.</p>';
  const first = splits[0]?.metrics;
  const average =
    first?.average === 'binary' && first.positiveLabel !== undefined
      ? `Precision, recall and F1 are those of the positive class “${escapeHtml(first.positiveLabel)}”.`
      : 'Precision, recall and F1 are macro averages over the classes.';
  return [
    htmlTable(
      ['Split', 'Examples', 'Accuracy', 'Precision', 'Recall', 'F1', 'ROC AUC', 'Avg precision'],
      splits.map(({ name, metrics: m, analysis }) => [
        name,
        grouped(m?.support ?? 0),
        fixed4(m?.accuracy ?? NaN),
        fixed4(m?.precision ?? NaN),
        fixed4(m?.recall ?? NaN),
        fixed4(m?.f1 ?? NaN),
        analysis?.rocAuc === undefined ? '—' : fixed4(analysis.rocAuc),
        analysis?.averagePrecision === undefined ? '—' : fixed4(analysis.averagePrecision),
      ]),
      { numericColumns: [1, 2, 3, 4, 5, 6, 7] },
    ),
    `<p class="muted">${average} A ratio with a zero denominator counts as 0.</p>`,
  ].join('\n');
}

async function learningCurvesHtml(input: ReportInput, render: ChartRenderer): Promise<string> {
  const charts = learningCurveCharts(input.training.history, input.training.epochs);
  if (charts.length === 0 || epochsRun(input.training.history) === 0) {
    return '<p>No training history was recorded.</p>';
  }
  const figures = await Promise.all(charts.map(async (c) => chartFigure(c, await render(c))));
  return `<div class="charts">${figures.join('\n')}</div>`;
}

function examplesHtml({ examples, seq2seq }: ReportInput): string {
  if (examples.length === 0) {
    return '<p>No example texts (list some under <code>evaluate.examples</code> in the pipeline).</p>';
  }
  if (seq2seq !== undefined) {
    return htmlTable(
      ['Source', 'Prediction'],
      examples.map((e) => [e.text, e.label]),
      { className: 'texts' },
    );
  }
  return htmlTable(
    ['Text', 'Prediction', 'Score'],
    examples.map((e) => [e.text, e.label, fixed4(e.score)]),
    { numericColumns: [2], className: 'texts' },
  );
}
