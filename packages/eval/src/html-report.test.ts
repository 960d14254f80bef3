import { describe, expect, it } from 'vitest';
import {
  renderCompareHtml,
  renderCompareMarkdown,
  renderHtmlReport,
  renderMarkdownReport,
  type ChartSpec,
  type ReportInput,
} from './index.js';
import { reportInputFixture } from './report-input.fixture.js';

/** A stand-in renderer: records the charts, draws nothing (Vega itself is covered below). */
function recorder(): { charts: ChartSpec[]; render: (c: ChartSpec) => Promise<string> } {
  const charts: ChartSpec[] = [];
  return { charts, render: async (c) => (charts.push(c), `<svg data-stub="${c.id}"></svg>`) };
}

const points = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/data-chart="([^"]+)" data-points="(\d+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );

describe('renderHtmlReport', () => {
  it('is one self-contained page: CSP forbids fetches, no script, every chart inline SVG', async () => {
    const html = await renderHtmlReport(reportInputFixture());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`,
    );
    expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/); // url(#clip) is in-page
    expect(html.match(/<figure class="chart"/g)).toHaveLength(10);
    expect(html.match(/<svg /g)).toHaveLength(10);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length); // Vega's gradient/clip ids are scoped per chart
    expect(ids).toContain('confusion-validation-1');
  });

  it('declares the points of every chart, from the fixture by hand', async () => {
    const { render } = recorder();
    const html = await renderHtmlReport(reportInputFixture(), { render });
    expect(points(html)).toEqual({
      'curve-loss': 8, // 4 epochs × train, validation
      'curve-accuracy': 8,
      'confusion-validation': 4,
      'roc-validation': 7, // 6 distinct scores + (0, 0)
      'pr-validation': 7,
      'calibration-validation': 6, // bins 0.1, 0.2, 0.3, 0.6, 0.8, 0.9
      'confusion-test': 4,
      'roc-test': 5,
      'pr-test': 5,
      'calibration-test': 4, // 0.4, 0.55, 0.7, 0.95
    });
  });

  it('shows the summary, model graph, metrics with AUC, best epoch and escaped texts', async () => {
    const { render } = recorder();
    const html = await renderHtmlReport(reportInputFixture(), { render });
    expect(html).toContain('64 train · 6 validation · 4 test');
    expect(html).toContain('wasm · SIMD on · 2 threads');
    expect(html).toContain('19,744 params (92.5%)');
    expect(html).toContain('3 (lowest validation loss)');
    expect(html).toContain('ROC AUC 1.0000 · average precision 1.0000');
    expect(html).toContain('not &lt;b&gt;bad&lt;/b&gt; at all &amp; fun');
    expect(html).not.toContain('<b>bad</b>');
    expect(html).toMatch(/<tr class="current"><td class="num">0\.5 \(run\)<\/td>/);
  });

  it('says what is missing: no per-example scores, a task without its own section', async () => {
    const { render } = recorder();
    const old: ReportInput = { ...reportInputFixture(), predictions: undefined };
    const html = await renderHtmlReport(old, { render });
    expect(html).toContain('has no per-example scores');
    expect(Object.keys(points(html))).toEqual([
      'curve-loss',
      'curve-accuracy',
      'confusion-validation',
      'confusion-test',
    ]);
    const tagging = reportInputFixture();
    tagging.pipeline.task = 'tagging';
    const other = await renderHtmlReport(tagging, { render });
    expect(other).toContain('No task-specific analysis for task “tagging” yet.');
    expect(renderMarkdownReport(tagging)).toContain(
      'No task-specific analysis for task "tagging" yet.',
    );
  });

  it('marks an early stop and is deterministic', async () => {
    const input = reportInputFixture();
    input.training.epochs = 10;
    const { charts, render } = recorder();
    const html = await renderHtmlReport(input, { render });
    expect(html).toContain('4 of 10 epochs (stopped early)');
    expect(JSON.stringify(charts.find((c) => c.id === 'curve-loss')?.spec)).toContain(
      'best epoch 3 (stopped at 4)',
    );
    expect(await renderHtmlReport(reportInputFixture())).toBe(
      await renderHtmlReport(reportInputFixture()),
    );
  });
});

describe('the Markdown report', () => {
  it('has the same analysis numbers as tables', () => {
    const md = renderMarkdownReport(reportInputFixture());
    expect(md).toContain('## Classification analysis');
    expect(md).toContain(
      // Brier: (0.04 + 0.01 + 0.49 + 0.01 + 0.04 + 0.16) / 6 = 0.125
      'ROC AUC 1.0000 · average precision 1.0000 · Brier 0.1250',
    );
    expect(md).toContain('| **0.5** (run) | 3 | 1.0000 | 0.7500 | 0.0000 | 0.8571 | 0.8333 |');
    expect(md).toContain('| not \\<b\\>bad\\</b\\> at all \\& fun | pos | neg | 0.7000 |');
  });
});

describe('renderCompareHtml', () => {
  const runs = ['rnn', 'lstm', 'gru'].map((name, i) => {
    const input = reportInputFixture();
    input.pipeline.name = name;
    input.training.history['valLoss'] = [0.7, 0.5 - i / 10, 0.4, 0.45];
    if (i === 1) input.metrics.validation!.accuracy = 0.9;
    return { name, input };
  });

  it('puts three runs in one table, bolds the best value, overlays the curves', async () => {
    const { render } = recorder();
    const html = await renderCompareHtml(runs, { render });
    expect(html).toContain('<h1>Comparing 3 runs</h1>');
    expect(html).toContain('<strong>0.9000</strong>');
    expect(html).not.toContain('<strong>0.8333</strong>'); // ties are not highlighted
    expect(points(html)).toEqual({
      'compare-loss': 24,
      'compare-accuracy': 24,
      'compare-roc': 21,
      'compare-pr': 21,
    });
    const md = renderCompareMarkdown(runs);
    expect(md.match(/^\| (rnn|lstm|gru) \|/gm)).toHaveLength(6);
    expect(md).toContain('| lstm | **0.9000** |');
  });
});
