import { bestEpoch } from './best-epoch.js';
import { lineChart, thinPoints, type ChartSpec, type SeriesPoint } from './chart-specs.js';
import { classificationSplits } from './classification-section.js';
import { fixed4, grouped } from './format-number.js';
import { chartFigure, escapeHtml, htmlPage, htmlTable } from './html-page.js';
import { compareCurveCharts, epochsRun } from './learning-curve-charts.js';
import { escapeMarkdownCell as cell, markdownTable } from './markdown-table.js';
import type { ReportInput } from './report-input.js';
import { renderChartSvg } from './render-chart.js';
import type { ChartRenderer } from './task-report-section.js';

/** One run on the compare page; `name` must be unique among the runs (the legend entry). */
export interface CompareRun {
  name: string;
  input: ReportInput;
}

interface RunFigures {
  name: string;
  model: string;
  params: number;
  epochs: string;
  best: string;
  seconds: number;
  backend: string;
  values: Array<number | undefined>;
}

const METRIC_COLUMNS = [
  'Val accuracy',
  'Val precision',
  'Val recall',
  'Val F1',
  'Val ROC AUC',
  'Val avg precision',
  'Test accuracy',
  'Test F1',
] as const;

function figures({ name, input }: CompareRun): RunFigures {
  const splits = classificationSplits(input);
  const validation = splits.find((s) => s.name === 'validation');
  const test = splits.find((s) => s.name === 'test');
  const run = epochsRun(input.training.history);
  const best = bestEpoch(input.training.history);
  return {
    name,
    model: input.model.layers.map((l) => l.type).join(' → '),
    params: input.model.totalParams,
    epochs:
      run > 0 && run < input.training.epochs
        ? `${run} of ${input.training.epochs}`
        : String(input.training.epochs),
    best: best === undefined ? '—' : String(best),
    seconds: input.training.seconds,
    backend: `${input.backend.backend}${input.backend.simd ? ' SIMD' : ''} ×${input.backend.threads}`,
    values: [
      validation?.metrics?.accuracy,
      validation?.metrics?.precision,
      validation?.metrics?.recall,
      validation?.metrics?.f1,
      validation?.analysis?.rocAuc,
      validation?.analysis?.averagePrecision,
      test?.metrics?.accuracy,
      test?.metrics?.f1,
    ],
  };
}

/** The best value of each metric column (higher is better) to highlight, unless all tie. */
function bestValues(rows: readonly RunFigures[]): Array<number | undefined> {
  return METRIC_COLUMNS.map((_, column) => {
    const values = rows.flatMap((r) => {
      const v = r.values[column];
      return v === undefined ? [] : [v];
    });
    const max = Math.max(...values);
    // Nothing stands out when fewer than two runs have the value or all runs tie.
    return values.length < 2 || values.every((v) => v === max) ? undefined : max;
  });
}

/** ROC and PR curves of the validation split of every binary run with per-example scores. */
function rankingCharts(runs: readonly CompareRun[]): ChartSpec[] {
  const roc: SeriesPoint[] = [];
  const pr: SeriesPoint[] = [];
  const rocSeries: string[] = [];
  const prSeries: string[] = [];
  for (const run of runs) {
    const analysis = classificationSplits(run.input).find((s) => s.name === 'validation')?.analysis;
    const curve = analysis?.binary ? analysis.curves[0] : undefined;
    if (curve?.roc !== undefined) {
      const series = `${run.name} (AUC ${fixed4(curve.roc.auc)})`;
      rocSeries.push(series);
      for (const p of thinPoints(curve.roc.points)) roc.push({ x: p.fpr, y: p.tpr, series });
    }
    if (curve?.pr !== undefined) {
      const series = `${run.name} (AP ${fixed4(curve.pr.averagePrecision)})`;
      prSeries.push(series);
      for (const p of thinPoints(curve.pr.points)) pr.push({ x: p.recall, y: p.precision, series });
    }
  }
  const charts: ChartSpec[] = [];
  if (rocSeries.length > 0) {
    charts.push(
      lineChart({
        id: 'compare-roc',
        title: 'ROC curves (validation)',
        description: 'True positive rate against false positive rate of each run; dashed: chance.',
        xTitle: 'False positive rate',
        yTitle: 'True positive rate',
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
        series: rocSeries,
        points: roc,
        pointSize: 20,
      }),
    );
  }
  if (prSeries.length > 0) {
    charts.push(
      lineChart({
        id: 'compare-pr',
        title: 'Precision-recall curves (validation)',
        description: 'Precision against recall of each run; AP is the average precision.',
        xTitle: 'Recall',
        yTitle: 'Precision',
        xDomain: [0, 1],
        yDomain: [0, 1],
        series: prSeries,
        points: pr,
        pointSize: 20,
      }),
    );
  }
  return charts;
}

/**
 * Several runs on one self-contained page: what each run is (model, parameters, epochs, time,
 * backend), a metrics table with the best value of each column in bold, learning curves overlaid
 * (colour: run; solid: train, dashed: validation) and the validation ROC and precision-recall
 * curves of binary runs. Like the run report: no script, no network, deterministic.
 */
export async function renderCompareHtml(
  runs: readonly CompareRun[],
  options: { render?: ChartRenderer } = {},
): Promise<string> {
  const render = options.render ?? renderChartSvg;
  const rows = runs.map(figures);
  const best = bestValues(rows);
  const charts = [
    ...compareCurveCharts(runs.map((r) => ({ name: r.name, history: r.input.training.history }))),
    ...rankingCharts(runs),
  ];
  const rendered = await Promise.all(charts.map(async (c) => chartFigure(c, await render(c))));
  const body = [
    '<header class="page">',
    `<h1>Comparing ${runs.length} runs</h1>`,
    `<p>${runs.map((r) => `<strong>${escapeHtml(r.name)}</strong>`).join(' · ')}</p>`,
    '</header>',
    '<section class="panel" id="runs"><h2>Runs</h2>',
    htmlTable(
      ['Run', 'Task', 'Model', 'Params', 'Epochs', 'Best epoch', 'Training', 'Backend'],
      runs.map((run, i) => {
        const r = rows[i] as RunFigures;
        return [
          r.name,
          run.input.pipeline.task,
          r.model,
          grouped(r.params),
          r.epochs,
          r.best,
          `${r.seconds.toFixed(1)} s`,
          r.backend,
        ];
      }),
      { numericColumns: [3, 4, 5, 6] },
    ),
    '</section>',
    '<section class="panel" id="metrics"><h2>Metrics</h2>',
    htmlTable(
      ['Run', ...METRIC_COLUMNS],
      rows.map((r) => [
        r.name,
        ...r.values.map((v, column) =>
          v === undefined
            ? '—'
            : v === best[column]
              ? { html: `<strong>${fixed4(v)}</strong>` }
              : fixed4(v),
        ),
      ]),
      { numericColumns: METRIC_COLUMNS.map((_, i) => i + 1) },
    ),
    '<p class="muted">Bold: the best value of the column (none when all runs tie). — : not available (no such split, or metrics.json without per-example scores).</p>',
    '</section>',
    '<section class="panel" id="curves"><h2>Curves</h2>',
    rendered.length === 0
      ? '<p>No training history or scores to draw.</p>'
      : `<div class="charts">${rendered.join('\n')}</div>`,
    '</section>',
  ];
  return htmlPage(`Comparing ${runs.map((r) => r.name).join(', ')}`, body.join('\n'));
}

/** The compare page's tables in Markdown (runs and metrics, best values in bold). */
export function renderCompareMarkdown(runs: readonly CompareRun[]): string {
  const rows = runs.map(figures);
  const best = bestValues(rows);
  const lines = [
    `# Comparing ${runs.length} runs`,
    '',
    '## Runs',
    '',
    ...markdownTable(
      ['Run', 'Task', 'Model', 'Params', 'Epochs', 'Best epoch', 'Training', 'Backend'],
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
      runs.map((run, i) => {
        const r = rows[i] as RunFigures;
        return [
          cell(r.name),
          cell(run.input.pipeline.task),
          cell(r.model),
          grouped(r.params),
          r.epochs,
          r.best,
          `${r.seconds.toFixed(1)} s`,
          cell(r.backend),
        ];
      }),
    ),
    '',
    '## Metrics',
    '',
    ...markdownTable(
      ['Run', ...METRIC_COLUMNS],
      ['left', ...METRIC_COLUMNS.map(() => 'right' as const)],
      rows.map((r) => [
        cell(r.name),
        ...r.values.map((v, column) =>
          v === undefined ? '—' : v === best[column] ? `**${fixed4(v)}**` : fixed4(v),
        ),
      ]),
    ),
    '',
    'Bold: the best value of the column. The HTML page overlays the learning, ROC and precision-recall curves.',
  ];
  return `${lines.join('\n')}\n`;
}
