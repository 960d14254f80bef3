import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationBin } from './classification-curves.js';
import type { ConfusionMatrix } from './classification-metrics.js';

/**
 * A chart of the report: a Vega-Lite spec plus what the page says about it. `points` is how many
 * data points the chart marks (one symbol each in line charts, one cell each in heatmaps), which
 * the browser test counts in the rendered SVG.
 */
export interface ChartSpec {
  /** Stable id, used as the figure's `data-chart`. */
  id: string;
  title: string;
  /** One sentence for the caption (and screen readers). */
  description: string;
  spec: TopLevelSpec;
  points: number;
}

/** One point of a line series. */
export interface SeriesPoint {
  x: number;
  y: number;
  /** Legend entry (a split, a class, a run). */
  series: string;
  /** Second grouping drawn as the line's dash (train vs validation in overlays). */
  dash?: string | undefined;
}

export const CHART_WIDTH = 400;
export const CHART_HEIGHT = 240;
/** Mark name of the data points in every line chart; the SVG group has this class. */
export const POINT_MARK = 'points';
/** Most points drawn per curve (curves are thinned evenly; their areas use every point). */
export const MAX_CURVE_POINTS = 150;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';
const PALETTE = ['#1f77b4', '#e6550d', '#31a354', '#756bb1', '#d62728', '#8c564b', '#e377c2'];

/** Solid, dashed, dotted: train, validation, anything else. */
const DASHES = [
  [1, 0],
  [6, 4],
  [2, 2],
];

const config = {
  font: FONT,
  background: 'white',
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#eef1f4' },
  legend: {
    labelFontSize: 11,
    titleFontSize: 11,
    orient: 'bottom',
    direction: 'horizontal',
    labelLimit: 0,
    columns: 2,
  },
  range: { category: PALETTE },
} as const;

interface LineChartOptions {
  id: string;
  title: string;
  description: string;
  xTitle: string;
  yTitle: string;
  points: readonly SeriesPoint[];
  /** Order of the legend entries (and colours). */
  series: readonly string[];
  /** Integer ticks (epochs). */
  integerX?: boolean;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** A dashed grey y = x line (ROC, calibration). */
  diagonal?: boolean;
  /** A vertical marker, e.g. the best epoch. */
  marker?: { x: number; label: string } | undefined;
  /** Symbol size per point; default 36. */
  pointSize?: number;
  /** Dash legend title when `dash` is set. */
  dashTitle?: string;
}

/** A line chart with one symbol per data point, optional y = x reference and a vertical marker. */
export function lineChart(options: LineChartOptions): ChartSpec {
  // `order` keeps each series drawn in the given order: a ROC or PR curve can go straight up or
  // back at one x, which Vega-Lite's default (sorted by x) would scramble.
  const values = options.points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p, order) => ({ ...p, order }));
  const hasDash = values.some((p) => p.dash !== undefined);
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: options.xTitle,
    ...(options.xDomain
      ? { scale: { domain: options.xDomain, nice: false } }
      : { scale: { zero: false } }),
    ...(options.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
  };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: options.yTitle,
    scale: options.yDomain ? { domain: options.yDomain, nice: false } : { zero: false },
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    sort: [...options.series],
    scale: { domain: [...options.series] },
  };
  const dashValues = [...new Set(values.flatMap((p) => (p.dash === undefined ? [] : [p.dash])))];
  const dash = hasDash
    ? {
        strokeDash: {
          field: 'dash',
          type: 'nominal' as const,
          title: options.dashTitle ?? null,
          scale: { domain: dashValues, range: DASHES.slice(0, dashValues.length) },
        },
      }
    : {};
  const layers: unknown[] = [];
  if (options.diagonal) {
    layers.push({
      data: {
        values: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
      },
      mark: { type: 'line', color: '#9aa4ae', strokeDash: [4, 4], strokeWidth: 1 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
      },
    });
  }
  if (options.marker) {
    layers.push({
      data: { values: [options.marker] },
      layer: [
        {
          mark: { type: 'rule', color: '#57606a', strokeDash: [6, 3], strokeWidth: 1.5 },
          encoding: { x },
        },
        {
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'top',
            dx: 4,
            dy: 4,
            y: 0,
            fontSize: 11,
            color: '#24292f',
          },
          encoding: { x, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  layers.push({
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
        encoding: { x, y, color, ...dash, order: { field: 'order', type: 'quantitative' } },
      },
      {
        name: POINT_MARK,
        mark: { type: 'point', filled: true, size: options.pointSize ?? 36, opacity: 1 },
        encoding: { x, y, color },
      },
    ],
  });
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    points: values.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: options.description,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      config,
      layer: layers,
    } as TopLevelSpec,
  };
}

/**
 * A confusion matrix heatmap: cells coloured by the share of the true class (row-normalised, so
 * small classes read as clearly as large ones), labelled with the count.
 */
export function confusionMatrixChart(
  id: string,
  title: string,
  { labels, matrix }: ConfusionMatrix,
): ChartSpec {
  const values = labels.flatMap((trueLabel, row) => {
    const counts = matrix[row] ?? [];
    const total = counts.reduce((a, b) => a + b, 0);
    return labels.map((predicted, column) => {
      const count = counts[column] ?? 0;
      return { true: trueLabel, predicted, count, share: total === 0 ? 0 : count / total };
    });
  });
  const side = Math.min(360, Math.max(220, 64 * labels.length));
  const axis = (field: string, axisTitle: string) => ({
    field,
    type: 'nominal' as const,
    sort: [...labels],
    title: axisTitle,
    axis: { labelAngle: 0, labelLimit: 120 },
  });
  return {
    id,
    title,
    description:
      'Rows are true classes, columns predicted classes; the shade is the share of the row.',
    points: values.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: side,
      height: side,
      config,
      data: { values },
      encoding: { x: axis('predicted', 'Predicted class'), y: axis('true', 'True class') },
      layer: [
        {
          name: 'cells',
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: {
            color: {
              field: 'share',
              type: 'quantitative',
              title: 'Share of row',
              scale: { domain: [0, 1], scheme: 'blues' },
              legend: { orient: 'right', direction: 'vertical', format: '.0%' },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 14, fontWeight: 600 },
          encoding: {
            text: { field: 'count', type: 'quantitative', format: ',d' },
            color: {
              condition: { test: 'datum.share > 0.55', value: 'white' },
              value: '#1f2328',
            },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

/** A reliability diagram: observed rate against mean predicted probability per bin. */
export function calibrationChart(
  id: string,
  title: string,
  bins: readonly CalibrationBin[],
  what: { x: string; y: string; series: string },
): ChartSpec {
  return lineChart({
    id,
    title,
    description: `${what.y} against ${what.x.toLowerCase()} in bins of 0.1; the dashed line is perfect calibration.`,
    xTitle: what.x,
    yTitle: what.y,
    series: [what.series],
    points: bins.map((b) => ({ x: b.meanPredicted, y: b.fractionPositive, series: what.series })),
    xDomain: [0, 1],
    yDomain: [0, 1],
    diagonal: true,
    pointSize: 60,
  });
}

/** At most `max` points, evenly spaced, always keeping the first and the last. */
export function thinPoints<T>(points: readonly T[], max = MAX_CURVE_POINTS): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)] as T);
}
