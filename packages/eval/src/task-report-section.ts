import type { ChartSpec } from './chart-specs.js';
import type { ReportInput } from './report-input.js';

/** Renders a chart to inline SVG (the report passes Vega-Lite's renderer; tests may stub it). */
export type ChartRenderer = (chart: ChartSpec) => Promise<string>;

/**
 * The task-specific part of a report, one entry per pipeline `task` in `taskReportSections`.
 * A new task (seq2seq) adds an entry; the HTML and Markdown reports need no other change.
 */
export interface TaskReportSection {
  /** Heading of the section in the HTML report. */
  title: string;
  /** HTML body of the section (without its heading); charts are rendered with `render`. */
  html(input: ReportInput, render: ChartRenderer): Promise<string>;
  /** Markdown lines, starting with their own `##` heading. */
  markdown(input: ReportInput): string[];
}
