import type { ClassificationMetrics } from './classification-metrics.js';
import type { History, ReportInput } from './report-input.js';
import { bestEpoch } from './best-epoch.js';
import { fixed4, grouped } from './format-number.js';
import { codeCell, escapeMarkdownCell as cell, markdownTable } from './markdown-table.js';
import { taskReportSections } from './task-report-sections.js';

/**
 * Renders a run as a Markdown report: summary, model, metrics per split (per-class table and
 * confusion matrix), the task's own section (classification: ROC AUC, average precision,
 * threshold table, calibration table, most confidently wrong examples), learning curves as a table with the best epoch by validation loss marked,
 * and example predictions. Deterministic: the same input gives the same bytes (no clock,
 * no locale); metrics and losses have 4 decimals; texts in tables are escaped.
 */
export function renderMarkdownReport(input: ReportInput): string {
  const sections = [
    titleSection(input),
    summarySection(input),
    modelSection(input),
    metricsSection(input),
    taskSection(input),
    learningCurvesSection(input.training.history),
    examplesSection(input),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function titleSection({ pipeline }: ReportInput): string[] {
  const lines = [`# Report: ${cell(pipeline.name)}`];
  if (pipeline.description !== undefined && pipeline.description.trim() !== '') {
    lines.push('', pipeline.description.trim());
  }
  return lines;
}

function summarySection({ pipeline, data, backend, training }: ReportInput): string[] {
  const threads = `${grouped(backend.threads)} thread${backend.threads === 1 ? '' : 's'}`;
  return [
    '## Summary',
    '',
    ...markdownTable(
      ['Setting', 'Value'],
      ['left', 'left'],
      [
        ['Task', cell(pipeline.task)],
        [
          'Examples',
          `${grouped(data.train)} train · ${grouped(data.validation)} validation · ${grouped(data.test)} test`,
        ],
        ['Vocabulary', `${grouped(data.vocabularySize)} tokens`],
        ['Max length', `${grouped(data.maxLen)} tokens`],
        ['Backend', `${cell(backend.backend)} · SIMD ${backend.simd ? 'on' : 'off'} · ${threads}`],
        [
          'Training',
          `${grouped(training.epochs)} epoch${training.epochs === 1 ? '' : 's'} in ${training.seconds.toFixed(1)} s`,
        ],
        ['Seed', String(training.seed)],
      ],
    ),
  ];
}

function modelSection({ model }: ReportInput): string[] {
  return [
    '## Model',
    '',
    ...markdownTable(
      ['Layer', 'Type', 'Output shape', 'Params'],
      ['left', 'left', 'left', 'right'],
      [
        ...model.layers.map((layer) => [
          codeCell(layer.name),
          cell(layer.type),
          codeCell(layer.outputShape),
          grouped(layer.params),
        ]),
        ['**Total**', '', '', `**${grouped(model.totalParams)}**`],
      ],
    ),
  ];
}

function metricsSection({ metrics }: ReportInput): string[] {
  const splits = (['validation', 'test'] as const).flatMap((name) => {
    const value = metrics[name];
    return value === undefined ? [] : [{ name, metrics: value }];
  });
  if (splits.length === 0)
    return ['## Metrics', '', 'No validation or test split: nothing was scored.'];
  const lines = [
    '## Metrics',
    '',
    ...markdownTable(
      ['Split', 'Examples', 'Accuracy', 'Precision', 'Recall', 'F1'],
      ['left', 'right', 'right', 'right', 'right', 'right'],
      splits.map(({ name, metrics: m }) => [
        name,
        grouped(m.support),
        fixed4(m.accuracy),
        fixed4(m.precision),
        fixed4(m.recall),
        fixed4(m.f1),
      ]),
    ),
    '',
    averageNote(splits[0]?.metrics as ClassificationMetrics),
  ];
  for (const { name, metrics: m } of splits) {
    lines.push(
      '',
      `### ${name === 'validation' ? 'Validation' : 'Test'}`,
      '',
      ...perClassTable(m),
      '',
      ...confusionTable(m),
    );
  }
  return lines;
}

function averageNote(metrics: ClassificationMetrics): string {
  const what =
    metrics.average === 'binary' && metrics.positiveLabel !== undefined
      ? `Precision, recall and F1 are those of the positive class "${cell(metrics.positiveLabel)}".`
      : `Precision, recall and F1 are macro averages (unweighted means over the ${metrics.perClass.length} classes).`;
  return `${what} A ratio with a zero denominator counts as 0 (scikit-learn's \`zero_division=0\`).`;
}

function perClassTable(metrics: ClassificationMetrics): string[] {
  return markdownTable(
    ['Class', 'Precision', 'Recall', 'F1', 'Support'],
    ['left', 'right', 'right', 'right', 'right'],
    metrics.perClass.map((c) => [
      cell(c.label),
      fixed4(c.precision),
      fixed4(c.recall),
      fixed4(c.f1),
      grouped(c.support),
    ]),
  );
}

function confusionTable({ confusionMatrix }: ClassificationMetrics): string[] {
  const { labels, matrix } = confusionMatrix;
  return [
    'Confusion matrix (rows: true class, columns: predicted class):',
    '',
    ...markdownTable(
      ['True / predicted', ...labels.map(cell)],
      ['left', ...labels.map(() => 'right' as const)],
      labels.map((label, row) => [
        `**${cell(label)}**`,
        ...labels.map((_, column) => grouped(matrix[row]?.[column] ?? 0)),
      ]),
    ),
  ];
}

/** The task's own section (classification: ranking, thresholds, calibration, confident mistakes). */
function taskSection(input: ReportInput): string[] {
  const section = taskReportSections[input.pipeline.task];
  if (section !== undefined) return section.markdown(input);
  return [
    '## Analysis',
    '',
    `No task-specific analysis for task "${cell(input.pipeline.task)}" yet.`,
  ];
}

function learningCurvesSection(history: History): string[] {
  const keys = historyKeys(history);
  const epochs = Math.max(0, ...keys.map((key) => history[key]?.length ?? 0));
  if (epochs === 0) return ['## Learning curves', '', 'No training history was recorded.'];
  const best = bestEpoch(history);
  const rows = Array.from({ length: epochs }, (_, index) => {
    const epoch = index + 1;
    return [
      epoch === best ? `**${epoch}** (best)` : String(epoch),
      ...keys.map((key) => {
        const value = history[key]?.[index];
        return value === undefined ? '—' : fixed4(value);
      }),
    ];
  });
  const lines = [
    '## Learning curves',
    '',
    ...markdownTable(
      ['Epoch', ...keys.map(columnTitle)],
      ['right', ...keys.map(() => 'right' as const)],
      rows,
    ),
  ];
  if (best !== undefined) {
    lines.push(
      '',
      `Best epoch by validation loss: ${best} (val loss ${fixed4(history['valLoss']?.[best - 1] ?? NaN)}).`,
    );
  }
  return lines;
}

const VALIDATION_PREFIX = /^val(?=[A-Z])/;
const FIRST_KEYS = ['loss', 'accuracy'];

/** Training keys, then validation keys; within each, loss and accuracy first, then as recorded. */
function historyKeys(history: History): string[] {
  const keys = Object.keys(history);
  const rank = (key: string): number => {
    const base = key.replace(VALIDATION_PREFIX, '');
    const first = FIRST_KEYS.findIndex((k) => k.toLowerCase() === base.toLowerCase());
    return (VALIDATION_PREFIX.test(key) ? 100 : 0) + (first === -1 ? FIRST_KEYS.length : first);
  };
  return keys
    .map((key, order) => ({ key, order }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.order - b.order)
    .map((k) => k.key);
}

/** `valLoss` → `Val loss`, `binaryAccuracy` → `Binary accuracy`. */
function columnTitle(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return cell(words.charAt(0).toUpperCase() + words.slice(1));
}

function examplesSection({ examples }: ReportInput): string[] {
  if (examples.length === 0) {
    return [
      '## Example predictions',
      '',
      'No example texts (list some under `evaluate.examples` in the pipeline).',
    ];
  }
  return [
    '## Example predictions',
    '',
    ...markdownTable(
      ['Text', 'Prediction', 'Score'],
      ['left', 'left', 'right'],
      examples.map((e) => [cell(e.text), cell(e.label), fixed4(e.score)]),
    ),
  ];
}
