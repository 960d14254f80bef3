/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A table cell: text is escaped; `{ html }` is inserted as is; `numeric` aligns right. */
export type HtmlCell = string | { html: string } | { text: string; numeric: true };

/** An HTML table with a header row; numbers align right in tabular figures. */
export function htmlTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly HtmlCell[]>,
  options: { numericColumns?: readonly number[]; className?: string } = {},
): string {
  const numeric = new Set(options.numericColumns ?? []);
  const cell = (value: HtmlCell, index: number, tag: 'td' | 'th') => {
    const right = numeric.has(index) || (typeof value === 'object' && 'numeric' in value);
    const content =
      typeof value === 'string'
        ? escapeHtml(value)
        : 'html' in value
          ? value.html
          : escapeHtml(value.text);
    return `<${tag}${right ? ' class="num"' : ''}>${content}</${tag}>`;
  };
  return [
    `<div class="scroll"><table${options.className ? ` class="${options.className}"` : ''}>`,
    `<thead><tr>${headers.map((h, i) => cell(h, i, 'th')).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((c, i) => cell(c, i, 'td')).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/** A figure around a rendered chart; `data-points` is what the chart marks, for tests. */
export function chartFigure(
  chart: { id: string; title: string; description: string; points: number },
  svg: string,
): string {
  return [
    `<figure class="chart" data-chart="${escapeHtml(chart.id)}" data-points="${chart.points}">`,
    `<figcaption><strong>${escapeHtml(chart.title)}</strong> <span>${escapeHtml(chart.description)}</span></figcaption>`,
    svg,
    '</figure>',
  ].join('\n');
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 24px 48px; }
header.page { margin-bottom: 8px; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 8px; }
p { margin: 6px 0 10px; }
.muted, figcaption span { color: var(--muted); }
.badge { display: inline-block; padding: 1px 10px; border-radius: 12px; background: #ddf4ff; color: #0550ae; font-size: 13px; font-weight: 600; vertical-align: middle; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 16px 0; }
.card { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 13px; }
section.panel { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 4px 20px 16px; margin: 16px 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; background: white; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 12px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
table:not(.texts) td:first-child { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.current td { background: #fff8c5; font-weight: 600; }
table.texts td:first-child { max-width: 560px; overflow-wrap: anywhere; white-space: pre-wrap; }
code { font: 13px ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; background: var(--bg); padding: 1px 4px; border-radius: 4px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(470px, 100%), 1fr)); gap: 16px; }
.scroll { overflow-x: auto; max-width: 100%; }
figure.chart { margin: 0; background: white; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
figure.chart figcaption { font-size: 13px; margin-bottom: 6px; }
figure.chart figcaption strong { display: block; font-size: 15px; color: var(--fg); }
figure.chart figcaption span { display: block; min-height: 2.9em; }
figure.chart svg { display: block; margin: 0 auto; }
.graph { display: flex; flex-wrap: wrap; align-items: stretch; gap: 0; margin: 8px 0 16px; }
.graph .node { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; min-width: 130px; }
.graph .node .type { font-weight: 600; }
.graph .node .meta { color: var(--muted); font-size: 13px; }
.graph .node .bar { height: 6px; background: #ddf4ff; border-radius: 3px; margin-top: 6px; overflow: hidden; }
.graph .node .bar span { display: block; height: 100%; background: var(--accent); }
.graph .arrow { align-self: center; color: var(--muted); padding: 0 6px; font-size: 18px; }
del.diff { background: #ffebe9; color: #82071e; text-decoration: line-through; text-decoration-thickness: 2px; }
ins.diff { background: #dafbe1; color: #116329; text-decoration: underline; text-decoration-thickness: 2px; text-underline-offset: 2px; }
table.diff-table td { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
table.diff-table td:nth-child(-n+3) { white-space: pre-wrap; overflow-wrap: anywhere; }
.notice { background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 8px; padding: 8px 12px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media (max-width: 640px) { .charts { grid-template-columns: 1fr; } main { padding: 12px; } }
`;

/**
 * A self-contained HTML page: inline CSS, inline SVG, no scripts, and a Content Security Policy
 * that forbids every fetch, so it opens from `file://` and never touches the network.
 */
export function htmlPage(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="seqpipe (charts: Vega-Lite rendered to SVG)">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '<footer>Made by seqpipe. Charts: Vega-Lite, rendered to SVG when the report was written; this page runs no script and loads nothing.</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
