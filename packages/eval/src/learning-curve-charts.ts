import { bestEpoch } from './best-epoch.js';
import { lineChart, type ChartSpec, type SeriesPoint } from './chart-specs.js';
import type { History } from './report-input.js';

const VALIDATION_PREFIX = /^val(?=[A-Z])/;
const FIRST_METRICS = ['loss', 'accuracy'];

/**
 * The metrics of a history, each with its training and validation keys: `loss` pairs `loss`
 * with `valLoss`. Loss and accuracy come first, then the others as recorded.
 */
export function historyMetrics(
  history: History,
): Array<{ metric: string; train?: string | undefined; validation?: string | undefined }> {
  const metrics = new Map<string, { train?: string; validation?: string }>();
  for (const key of Object.keys(history)) {
    const validation = VALIDATION_PREFIX.test(key);
    const base = validation ? lowerFirst(key.replace(VALIDATION_PREFIX, '')) : key;
    const entry = metrics.get(base) ?? {};
    if (validation) entry.validation = key;
    else entry.train = key;
    metrics.set(base, entry);
  }
  const rank = (metric: string) => {
    const index = FIRST_METRICS.indexOf(metric);
    return index === -1 ? FIRST_METRICS.length : index;
  };
  return [...metrics.entries()]
    .map(([metric, keys], order) => ({ metric, ...keys, order }))
    .sort((a, b) => rank(a.metric) - rank(b.metric) || a.order - b.order)
    .map(({ metric, train, validation }) => ({ metric, train, validation }));
}

/** `valLoss` → `Val loss`, `binaryAccuracy` → `Binary accuracy`. */
export function metricTitle(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Epochs actually run: the longest history series. */
export function epochsRun(history: History): number {
  return Math.max(0, ...Object.values(history).map((values) => values.length));
}

/**
 * One chart per metric of a run: training and validation per epoch, the best epoch (lowest
 * validation loss) marked. `configuredEpochs` larger than the epochs run means training stopped
 * early; the marker then says so.
 */
export function learningCurveCharts(history: History, configuredEpochs?: number): ChartSpec[] {
  const best = bestEpoch(history);
  const run = epochsRun(history);
  const stoppedEarly = configuredEpochs !== undefined && run < configuredEpochs;
  const marker =
    best === undefined
      ? undefined
      : {
          x: best,
          label: stoppedEarly ? `best epoch ${best} (stopped at ${run})` : `best epoch ${best}`,
        };
  return historyMetrics(history).map(({ metric, train, validation }) => {
    const points: SeriesPoint[] = [];
    const series: string[] = [];
    for (const [name, key] of [
      ['train', train],
      ['validation', validation],
    ] as const) {
      if (key === undefined) continue;
      series.push(name);
      (history[key] ?? []).forEach((y, index) => points.push({ x: index + 1, y, series: name }));
    }
    const title = metricTitle(metric);
    return lineChart({
      id: `curve-${metric}`,
      title,
      description: `${title} per epoch, ${series.join(' and ')}${best === undefined ? '' : `; best epoch by validation loss: ${best}`}.`,
      xTitle: 'Epoch',
      yTitle: title,
      integerX: true,
      xDomain: [1, Math.max(2, run)],
      series,
      points,
      marker,
    });
  });
}

/**
 * Learning curves of several runs overlaid, one chart per metric: colour is the run, the dash
 * tells training (solid) from validation (dashed).
 */
export function compareCurveCharts(
  runs: ReadonlyArray<{ name: string; history: History }>,
): ChartSpec[] {
  const metrics: string[] = [];
  for (const run of runs) {
    for (const { metric } of historyMetrics(run.history)) {
      if (!metrics.includes(metric)) metrics.push(metric);
    }
  }
  const longest = Math.max(2, ...runs.map((r) => epochsRun(r.history)));
  return metrics.map((metric) => {
    const points: SeriesPoint[] = [];
    for (const run of runs) {
      const keys = historyMetrics(run.history).find((m) => m.metric === metric);
      for (const [dash, key] of [
        ['train', keys?.train],
        ['validation', keys?.validation],
      ] as const) {
        if (key === undefined) continue;
        (run.history[key] ?? []).forEach((y, index) =>
          points.push({ x: index + 1, y, series: run.name, dash }),
        );
      }
    }
    const title = metricTitle(metric);
    return lineChart({
      id: `compare-${metric}`,
      title,
      description: `${title} per epoch of ${runs.length} runs; solid lines train, dashed validation.`,
      xTitle: 'Epoch',
      yTitle: title,
      integerX: true,
      xDomain: [1, longest],
      series: runs.map((r) => r.name),
      points,
      pointSize: 20,
      dashTitle: 'split',
    });
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
