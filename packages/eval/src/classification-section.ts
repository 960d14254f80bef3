import { analyzeClassification, type ClassificationAnalysis } from './classification-analysis.js';
import type { ClassificationMetrics } from './classification-metrics.js';
import {
  calibrationChart,
  confusionMatrixChart,
  lineChart,
  thinPoints,
  type ChartSpec,
} from './chart-specs.js';
import { fixed4, grouped } from './format-number.js';
import { chartFigure, escapeHtml, htmlTable } from './html-page.js';
import { escapeMarkdownCell as cell, markdownTable } from './markdown-table.js';
import type { ReportInput, ScoredExample } from './report-input.js';
import type { ChartRenderer, TaskReportSection } from './task-report-section.js';

type SplitName = 'validation' | 'test';

interface ScoredSplit {
  name: SplitName;
  title: string;
  metrics: ClassificationMetrics | undefined;
  analysis: ClassificationAnalysis | undefined;
}

/** The analyses of the scored splits of a run (no analysis without per-example scores). */
export function classificationSplits(input: ReportInput): ScoredSplit[] {
  const { predictions } = input;
  return (['validation', 'test'] as const).flatMap((name): ScoredSplit[] => {
    const examples: ScoredExample[] | undefined = predictions?.[name];
    const metrics = input.metrics[name];
    if (metrics === undefined && examples === undefined) return [];
    const analysis =
      predictions !== undefined && examples !== undefined && examples.length > 0
        ? analyzeClassification(examples, predictions.labels, predictions.threshold)
        : undefined;
    return [{ name, title: name === 'validation' ? 'Validation' : 'Test', metrics, analysis }];
  });
}

const NO_SCORES =
  'metrics.json has no per-example scores (it was written before seqpipe recorded them): run `seqpipe evaluate` again for ROC, precision-recall and calibration curves and the list of confident mistakes.';

/** Confusion matrix, ROC and PR curves with AUC, thresholds, calibration, confident mistakes. */
export const classificationSection: TaskReportSection = {
  title: 'Classification',

  async html(input: ReportInput, render: ChartRenderer): Promise<string> {
    const splits = classificationSplits(input);
    if (splits.length === 0) return '<p>No validation or test split: nothing was scored.</p>';
    const parts: string[] = [];
    if (input.predictions === undefined)
      parts.push(`<p class="notice">${escapeHtml(NO_SCORES)}</p>`);
    for (const split of splits) {
      parts.push(`<h3 id="${split.name}">${split.title}</h3>`);
      const { analysis, metrics } = split;
      if (analysis !== undefined) parts.push(`<p>${escapeHtml(rankingLine(analysis))}</p>`);
      const charts: ChartSpec[] = [];
      if (metrics !== undefined) {
        charts.push(
          confusionMatrixChart(
            `confusion-${split.name}`,
            `Confusion matrix (${split.name})`,
            metrics.confusionMatrix,
          ),
        );
      }
      if (analysis !== undefined) charts.push(...analysisCharts(split.name, analysis));
      const figures = await Promise.all(charts.map(async (c) => chartFigure(c, await render(c))));
      parts.push(`<div class="charts">${figures.join('\n')}</div>`);
      if (metrics !== undefined) {
        parts.push(
          '<h4>Per class</h4>',
          htmlTable(
            ['Class', 'Precision', 'Recall', 'F1', 'Support'],
            metrics.perClass.map((c) => [
              c.label,
              fixed4(c.precision),
              fixed4(c.recall),
              fixed4(c.f1),
              grouped(c.support),
            ]),
            { numericColumns: [1, 2, 3, 4] },
          ),
        );
      }
      if (analysis !== undefined) parts.push(analysisTablesHtml(analysis, input));
    }
    return parts.join('\n');
  },

  markdown(input: ReportInput): string[] {
    const splits = classificationSplits(input).filter((s) => s.analysis !== undefined);
    const lines = ['## Classification analysis', ''];
    if (input.predictions === undefined) return [...lines, NO_SCORES];
    if (splits.length === 0) return [...lines, 'No scored examples.'];
    lines.push(
      'The threshold table samples the ROC curve (recall is the true positive rate) and the precision-recall curve; predictions count as positive when the score is at least the threshold.',
    );
    for (const { title, analysis } of splits) {
      if (analysis === undefined) continue;
      lines.push('', `### ${title}`, '', rankingLine(analysis));
      if (analysis.thresholds.length > 0) {
        lines.push(
          '',
          ...markdownTable(
            [
              'Threshold',
              'Predicted positive',
              'Precision',
              'Recall (TPR)',
              'FPR',
              'F1',
              'Accuracy',
            ],
            ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
            analysis.thresholds.map((r) => [
              r.threshold === input.predictions?.threshold
                ? `**${r.threshold}** (run)`
                : String(r.threshold),
              grouped(r.tp + r.fp),
              fixed4(r.precision),
              fixed4(r.recall),
              fixed4(r.fpr),
              fixed4(r.f1),
              fixed4(r.accuracy),
            ]),
          ),
        );
      }
      lines.push(
        '',
        `Calibration (${calibrationWhat(analysis).y} per bin of ${calibrationWhat(analysis).x}; ECE ${fixed4(analysis.calibration.ece)}, Brier ${fixed4(analysis.calibration.brier)}):`,
        '',
        ...markdownTable(
          ['Bin', 'Examples', 'Mean predicted', 'Observed'],
          ['left', 'right', 'right', 'right'],
          analysis.calibration.bins.map((b) => [
            binLabel(b.lower, b.upper),
            grouped(b.count),
            fixed4(b.meanPredicted),
            fixed4(b.fractionPositive),
          ]),
        ),
        '',
      );
      if (analysis.confidentlyWrong.length === 0) {
        lines.push('No wrong predictions.');
      } else {
        lines.push(
          `Most confidently wrong (${analysis.confidentlyWrong.length} of ${grouped(analysis.wrong)} wrong):`,
          '',
          ...markdownTable(
            ['Text', 'True', 'Predicted', 'Confidence'],
            ['left', 'left', 'left', 'right'],
            analysis.confidentlyWrong.map((w) => [
              cell(w.text),
              cell(w.trueLabel),
              cell(w.predictedLabel),
              fixed4(w.confidence),
            ]),
          ),
        );
      }
    }
    return lines;
  },
};

/** `ROC AUC 0.9500 · average precision 0.9100 · Brier 0.0800 · ECE 0.0500 · 3 of 40 wrong`. */
export function rankingLine(analysis: ClassificationAnalysis): string {
  const macro = analysis.binary ? '' : ' (macro, one-vs-rest)';
  const parts = [
    `ROC AUC${macro} ${analysis.rocAuc === undefined ? 'n/a (one class only)' : fixed4(analysis.rocAuc)}`,
    `average precision${macro} ${analysis.averagePrecision === undefined ? 'n/a' : fixed4(analysis.averagePrecision)}`,
    `Brier ${fixed4(analysis.calibration.brier)}`,
    `ECE ${fixed4(analysis.calibration.ece)}`,
    `${grouped(analysis.wrong)} of ${grouped(analysis.total)} wrong`,
  ];
  return parts.join(' · ');
}

function calibrationWhat(analysis: ClassificationAnalysis): {
  x: string;
  y: string;
  series: string;
} {
  return analysis.binary
    ? {
        x: 'predicted probability of the positive class',
        y: 'observed positive rate',
        series: analysis.curves[0]?.label ?? 'positive',
      }
    : { x: 'confidence of the predicted class', y: 'observed accuracy', series: 'top label' };
}

function analysisCharts(split: SplitName, analysis: ClassificationAnalysis): ChartSpec[] {
  const curves = analysis.curves.filter((c) => c.roc !== undefined);
  const rocSeries = curves.map((c) => `${c.label} (AUC ${fixed4(c.roc?.auc ?? NaN)})`);
  const prCurves = analysis.curves.filter((c) => c.pr !== undefined);
  const prSeries = prCurves.map((c) => `${c.label} (AP ${fixed4(c.pr?.averagePrecision ?? NaN)})`);
  const charts: ChartSpec[] = [];
  if (curves.length > 0) {
    charts.push(
      lineChart({
        id: `roc-${split}`,
        title: `ROC curve (${split})`,
        description: `True positive rate against false positive rate as the threshold falls${analysis.binary ? '' : ', one class against the rest'}; the dashed line is chance.`,
        xTitle: 'False positive rate',
        yTitle: 'True positive rate',
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
        series: rocSeries,
        points: curves.flatMap((c, i) =>
          thinPoints(c.roc?.points ?? []).map((p) => ({
            x: p.fpr,
            y: p.tpr,
            series: rocSeries[i] as string,
          })),
        ),
      }),
    );
  }
  if (prCurves.length > 0) {
    charts.push(
      lineChart({
        id: `pr-${split}`,
        title: `Precision-recall curve (${split})`,
        description: `Precision against recall as the threshold falls; AP is the average precision.`,
        xTitle: 'Recall',
        yTitle: 'Precision',
        xDomain: [0, 1],
        yDomain: [0, 1],
        series: prSeries,
        points: prCurves.flatMap((c, i) =>
          thinPoints(c.pr?.points ?? []).map((p) => ({
            x: p.recall,
            y: p.precision,
            series: prSeries[i] as string,
          })),
        ),
      }),
    );
  }
  const what = calibrationWhat(analysis);
  charts.push(
    calibrationChart(`calibration-${split}`, `Calibration (${split})`, analysis.calibration.bins, {
      x: analysis.binary ? 'Predicted probability' : 'Confidence',
      y: analysis.binary ? 'Observed positive rate' : 'Observed accuracy',
      series: what.series,
    }),
  );
  return charts;
}

function analysisTablesHtml(analysis: ClassificationAnalysis, input: ReportInput): string {
  const parts: string[] = [];
  const threshold = input.predictions?.threshold;
  if (analysis.thresholds.length > 0) {
    const rows = analysis.thresholds.map((r) => {
      const current = r.threshold === threshold;
      return `<tr${current ? ' class="current"' : ''}>${[
        `${r.threshold}${current ? ' (run)' : ''}`,
        grouped(r.tp + r.fp),
        fixed4(r.precision),
        fixed4(r.recall),
        fixed4(r.fpr),
        fixed4(r.f1),
        fixed4(r.accuracy),
      ]
        .map((v) => `<td class="num">${escapeHtml(v)}</td>`)
        .join('')}</tr>`;
    });
    parts.push(
      '<h4>Thresholds</h4>',
      '<p class="muted">Positive when the score is at least the threshold; the highlighted row is the run’s threshold.</p>',
      '<div class="scroll"><table>',
      `<thead><tr>${['Threshold', 'Predicted positive', 'Precision', 'Recall (TPR)', 'FPR', 'F1', 'Accuracy'].map((h) => `<th class="num">${h}</th>`).join('')}</tr></thead>`,
      `<tbody>${rows.join('\n')}</tbody></table></div>`,
    );
  }
  const what = calibrationWhat(analysis);
  parts.push(
    '<h4>Calibration</h4>',
    `<p class="muted">${escapeHtml(`${upperFirst(what.y)} per bin of ${what.x}; ECE ${fixed4(analysis.calibration.ece)}, Brier ${fixed4(analysis.calibration.brier)}.`)}</p>`,
    htmlTable(
      ['Bin', 'Examples', 'Mean predicted', 'Observed'],
      analysis.calibration.bins.map((b) => [
        binLabel(b.lower, b.upper),
        grouped(b.count),
        fixed4(b.meanPredicted),
        fixed4(b.fractionPositive),
      ]),
      { numericColumns: [1, 2, 3] },
    ),
    '<h4>Most confidently wrong</h4>',
  );
  if (analysis.confidentlyWrong.length === 0) {
    parts.push('<p>No wrong predictions.</p>');
  } else {
    parts.push(
      `<p class="muted">${analysis.confidentlyWrong.length} of ${grouped(analysis.wrong)} wrong predictions, the most confident first.</p>`,
      htmlTable(
        ['Text', 'True', 'Predicted', 'Confidence'],
        analysis.confidentlyWrong.map((w) => [
          w.text,
          w.trueLabel,
          w.predictedLabel,
          fixed4(w.confidence),
        ]),
        { numericColumns: [3], className: 'texts' },
      ),
    );
  }
  return parts.join('\n');
}

function binLabel(lower: number, upper: number): string {
  return `${lower.toFixed(1)}–${upper.toFixed(1)}`;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
