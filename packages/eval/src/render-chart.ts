import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { ChartSpec } from './chart-specs.js';

/**
 * Renders a chart to a standalone SVG string in Node: Vega-Lite compiles the spec to Vega, and a
 * headless Vega view (renderer `none`, so no canvas and no DOM) writes the SVG. The SVG keeps its
 * `viewBox` and scales to its container; it has no scripts and loads nothing.
 */
export async function renderChartSvg(chart: ChartSpec): Promise<string> {
  const vegaSpec = compile(chart.spec).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = scopeIds(await view.toSVG(), chart.id);
    return svg.replace(
      /^<svg([^>]*?) width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/,
      (_, attributes: string, width: string, height: string) =>
        `<svg${attributes} width="${width}" height="${height}" role="img" aria-label="${escapeAttribute(chart.description)}" style="max-width:100%;height:auto"`,
    );
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers gradient and clip-path ids with a process-wide counter (`gradient_4`, `clip2`).
 * Renamed to `<chart id>-<n>` in order of appearance, ids are unique among the charts of one
 * page and the same on every run.
 */
function scopeIds(svg: string, chartId: string): string {
  const ids = new Map<string, string>();
  for (const match of svg.matchAll(/ id="([^"]+)"/g)) {
    const id = match[1] as string;
    if (!ids.has(id)) ids.set(id, `${chartId}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg.replace(/( id="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => {
    const scoped = ids.get(id);
    return scoped === undefined ? whole : `${lead}${scoped}`;
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
