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
    const svg = await view.toSVG();
    return svg.replace(
      /^<svg([^>]*?) width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/,
      (_, attributes: string, width: string, height: string) =>
        `<svg${attributes} width="${width}" height="${height}" role="img" aria-label="${escapeAttribute(chart.description)}" style="max-width:100%;height:auto"`,
    );
  } finally {
    view.finalize();
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
