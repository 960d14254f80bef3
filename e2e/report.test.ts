import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@seqpipe/cli';
import { captureIo } from '../tools/test-fixtures/capture-io.js';
import {
  tinyClassifierPipeline,
  tinySentimentRecords,
} from '../tools/test-fixtures/tiny-pipelines.js';

/**
 * Reports of small trained pipelines: the files `seqpipe run` and `seqpipe compare` write, the
 * errors for missing or corrupt metrics, and the pages opened in headless Chromium (Debian's
 * `chromium`, driven by playwright-core). Screenshots go to test-results/ (gitignored).
 */

const CHROMIUM = process.env['SEQPIPE_CHROMIUM'] ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results');

/** 24 sentences from the shared helper plus 16 more, so validation and test have a few each. */
function records(): Array<{ text: string; label: number }> {
  const extra = ['lovely', 'fine', 'good', 'nice', 'dull', 'weak', 'sad', 'silly'];
  return [
    ...tinySentimentRecords(),
    ...extra.flatMap((word, i) => [
      { text: `really ${word} movie`, label: i < 4 ? 1 : 0 },
      { text: `the ${word} ending`, label: i < 4 ? 1 : 0 },
    ]),
  ];
}

function pipeline(name: string, cell: 'simpleRnn' | 'lstm' | 'gru', epochs: number) {
  return tinyClassifierPipeline({
    name,
    description: `Tiny ${cell} sentiment model for the report tests.`,
    records: records(),
    split: { validation: 0.3, test: 0.2 },
    cell,
    learningRate: 0.02,
    epochs,
  });
}

const RUNS = [
  { name: 'tiny-rnn', cell: 'simpleRnn', epochs: 8 },
  { name: 'tiny-lstm', cell: 'lstm', epochs: 6 },
  { name: 'tiny-gru', cell: 'gru', epochs: 7 },
] as const;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-report-'));
  for (const run of RUNS) {
    await writeFile(
      join(dir, `${run.name}.json`),
      JSON.stringify(pipeline(run.name, run.cell, run.epochs)),
    );
    const io = captureIo(dir);
    const code = await main(['run', `${run.name}.json`], io);
    if (code !== 0) throw new Error(`seqpipe run ${run.name} failed: ${io.err()}`);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface MetricsJson {
  history: Record<string, number[]>;
  predictions: {
    validation: Array<{ text: string; target: number; scores: number[] }>;
    test: Array<{ text: string; target: number; scores: number[] }>;
  };
  splits: { validation: { confusionMatrix: { labels: string[] } } };
}

async function metricsOf(name: string): Promise<MetricsJson> {
  return JSON.parse(await readFile(join(dir, 'reports', name, 'metrics.json'), 'utf8'));
}

describe('seqpipe run writes the reports', () => {
  it('records every held-out example with its scores in metrics.json', async () => {
    const metrics = await metricsOf('tiny-rnn');
    // 40 records: 30% validation, 20% test.
    expect(metrics.predictions.validation).toHaveLength(12);
    expect(metrics.predictions.test).toHaveLength(8);
    for (const example of metrics.predictions.validation) {
      expect(typeof example.text).toBe('string');
      expect([0, 1]).toContain(example.target);
      expect(example.scores).toHaveLength(2);
      expect(example.scores[0]! + example.scores[1]!).toBeCloseTo(1, 6);
    }
  });

  it('writes report.html (self-contained) and report.md with the same numbers', async () => {
    const html = await readFile(join(dir, 'reports', 'tiny-rnn', 'report.html'), 'utf8');
    const md = await readFile(join(dir, 'reports', 'tiny-rnn', 'report.md'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const metrics = JSON.parse(
      await readFile(join(dir, 'reports', 'tiny-rnn', 'metrics.json'), 'utf8'),
    );
    const accuracy = (metrics.splits.validation.accuracy as number).toFixed(4);
    expect(html).toContain(accuracy);
    expect(md).toContain(accuracy);
    const auc = /ROC AUC (\d\.\d{4})/.exec(md)?.[1];
    expect(auc).toBeDefined();
    expect(html).toContain(`ROC AUC ${auc}`);
    expect(md).toMatch(/\| \*\*0\.5\*\* \(run\) \|/);
  });
});

describe('bad input', () => {
  it('names a missing metrics.json and says how to create it', async () => {
    await writeFile(join(dir, 'fresh.json'), JSON.stringify(pipeline('fresh', 'gru', 1)));
    const io = captureIo(dir);
    expect(await main(['report', 'fresh.json'], io)).toBe(1);
    expect(io.err()).toMatch(
      /error SEQPIPE_EVAL_INVALID: reports\/fresh\/metrics.json does not exist: run `seqpipe evaluate/,
    );
  });

  it('names a corrupt metrics.json and every problem in it, without a stack trace', async () => {
    const metrics = JSON.parse(
      await readFile(join(dir, 'reports', 'tiny-gru', 'metrics.json'), 'utf8'),
    );
    metrics.splits.validation.accuracy = 'high';
    metrics.predictions.validation[0].scores = [0.5];
    await mkdir(join(dir, 'corrupt'), { recursive: true });
    await writeFile(join(dir, 'corrupt', 'metrics.json'), JSON.stringify(metrics));
    const io = captureIo(dir);
    expect(await main(['report', 'tiny-gru.json', '--out', 'corrupt'], io)).toBe(1);
    const err = io.err();
    expect(err).toMatch(/Invalid metrics file corrupt\/metrics.json \(2 problems\)/);
    expect(err).toMatch(/\/splits\/validation\/accuracy: wrong type; expected a number/);
    expect(err).toMatch(/\/predictions\/validation\/0\/scores: one score per label/);
    expect(err).not.toMatch(/\n\s+at /);

    await writeFile(join(dir, 'corrupt', 'metrics.json'), '{"schemaVersion": 1,');
    const io2 = captureIo(dir);
    expect(await main(['compare', 'corrupt', 'reports/tiny-rnn'], io2)).toBe(1);
    expect(io2.err()).toMatch(/Metrics file corrupt\/metrics.json is not valid JSON/);
  });

  it('compare names an artifact without an evaluation and a folder that is neither', async () => {
    await rm(join(dir, 'reports', 'fresh'), { recursive: true, force: true });
    const io = captureIo(dir);
    expect(await main(['train', 'fresh.json'], io)).toBe(0);
    const io2 = captureIo(dir);
    expect(await main(['compare', 'artifacts/fresh', 'reports/tiny-rnn'], io2)).toBe(1);
    expect(io2.err()).toMatch(
      /artifacts\/fresh is an artifact of "fresh" without an evaluation: reports\/fresh\/metrics.json does not exist/,
    );
    const io3 = captureIo(dir);
    expect(await main(['compare', 'reports', 'reports/tiny-rnn'], io3)).toBe(1);
    expect(io3.err()).toMatch(/reports holds neither metrics.json nor an artifact's manifest.json/);
    const io4 = captureIo(dir);
    expect(await main(['compare', 'reports/tiny-rnn'], io4)).toBe(2);
    expect(io4.err()).toMatch(/needs at least two runs/);
  });
});

describe.skipIf(!HAVE_CHROMIUM && process.env['CI'] !== 'true')('in headless Chromium', () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'seqpipe-chromium-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
  });

  /** Opens a file, recording console errors, page errors and every request but the page's own. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const url = pathToFileURL(file).href;
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) problems.push(`request: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems };
  }

  /** Per chart: the points it says it has and the symbols/cells actually drawn in its SVG. */
  async function charts(page: Page) {
    return page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.getAttribute('data-chart') ?? '',
          declared: Number(f.getAttribute('data-points')),
          drawn: f.querySelectorAll('g.points_marks path, g.cells_marks path').length,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          figureWidth: f.getBoundingClientRect().width,
          caption: f.querySelector('figcaption')?.textContent ?? '',
        };
      }),
    );
  }

  /** Text that a person can read: nothing tiny, nothing cut off to the side. */
  async function readability(page: Page) {
    return page.evaluate(() => {
      const small: string[] = [];
      for (const el of Array.from(
        document.querySelectorAll('h1, h2, h3, h4, p, td, th, figcaption, li'),
      )) {
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < 12 && (el.textContent ?? '').trim() !== '')
          small.push(`${el.tagName} ${size}px`);
      }
      for (const el of Array.from(document.querySelectorAll('svg text'))) {
        const size = parseFloat(el.getAttribute('font-size') ?? getComputedStyle(el).fontSize);
        if (size < 10) small.push(`svg text ${size}px: ${el.textContent}`);
      }
      return {
        small,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        text: document.body.innerText,
      };
    });
  }

  it('shows the run report: every chart with its points, no errors, no network', async () => {
    const { page, problems } = await open(join(dir, 'reports', 'tiny-rnn', 'report.html'));
    const metrics = await metricsOf('tiny-rnn');
    const epochs = metrics.history['loss']!.length;
    const distinct = (scores: number[]) => new Set(scores).size;
    const validationScores = metrics.predictions.validation.map((e) => e.scores[1]!);
    const testScores = metrics.predictions.test.map((e) => e.scores[1]!);
    const found = await charts(page);
    const byId = Object.fromEntries(found.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(
      [
        'curve-loss',
        'curve-accuracy',
        'confusion-validation',
        'roc-validation',
        'pr-validation',
        'calibration-validation',
        'confusion-test',
        'roc-test',
        'pr-test',
        'calibration-test',
      ].sort(),
    );
    // Expected counts from metrics.json, not from the report code.
    expect(byId['curve-loss']?.drawn).toBe(2 * epochs);
    expect(byId['curve-accuracy']?.drawn).toBe(2 * epochs);
    expect(byId['confusion-validation']?.drawn).toBe(4);
    expect(byId['roc-validation']?.drawn).toBe(distinct(validationScores) + 1);
    expect(byId['pr-validation']?.drawn).toBe(distinct(validationScores) + 1);
    expect(byId['roc-test']?.drawn).toBe(distinct(testScores) + 1);
    const bins = new Set(validationScores.map((s) => Math.min(Math.floor(s * 10), 9))).size;
    expect(byId['calibration-validation']?.drawn).toBe(bins);
    for (const chart of found) {
      expect(chart.drawn, chart.id).toBe(chart.declared);
      expect(chart.width, chart.id).toBeGreaterThan(200);
      expect(chart.width, chart.id).toBeLessThanOrEqual(chart.figureWidth);
      expect(chart.caption.length, chart.id).toBeGreaterThan(10);
    }
    const { small, overflow, text } = await readability(page);
    expect(small).toEqual([]);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(text).toContain('tiny-rnn');
    expect(text).toMatch(/best epoch \d+/);
    expect(text).toContain('Most confidently wrong');
    expect(text).toContain('wasm · SIMD on · 1 thread');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-tiny-rnn.png'), fullPage: true });
    for (const section of ['model', 'learning-curves', 'task']) {
      await page
        .locator(`#${section}`)
        .screenshot({ path: join(SCREENSHOTS, `report-tiny-rnn-${section}.png`) });
    }
    await copyFile(
      join(dir, 'reports', 'tiny-rnn', 'report.html'),
      join(SCREENSHOTS, 'report-tiny-rnn.html'),
    );
    await page.setViewportSize({ width: 420, height: 900 });
    expect((await readability(page)).overflow).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: join(SCREENSHOTS, 'report-tiny-rnn-narrow.png'),
      fullPage: true,
    });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders report.md as a Markdown viewer would: every table a table, no stray pipes', async () => {
    const md = await readFile(join(dir, 'reports', 'tiny-rnn', 'report.md'), 'utf8');
    const tables = md.split('\n').filter((line) => /^\|(?:-+:?|:?-+:?)\|/.test(line)).length;
    const file = join(SCREENSHOTS, 'report-tiny-rnn.md.html');
    const body = await marked.parse(md, { gfm: true });
    await writeFile(
      file,
      `<!doctype html><meta charset="utf-8"><style>body{font:15px sans-serif;max-width:980px;margin:24px auto}td,th{border:1px solid #ccc;padding:3px 8px}table{border-collapse:collapse;margin:8px 0}</style>${body}`,
    );
    const { page, problems } = await open(file);
    const rendered = await page.evaluate(() => ({
      tables: document.querySelectorAll('table').length,
      headings: Array.from(document.querySelectorAll('h2')).map((h) => h.textContent),
      strayPipes: Array.from(document.querySelectorAll('p')).filter((p) =>
        (p.textContent ?? '').trim().startsWith('|'),
      ).length,
      escapedCells: Array.from(document.querySelectorAll('td')).some((td) =>
        (td.textContent ?? '').includes('\\'),
      ),
    }));
    expect(tables).toBeGreaterThan(10);
    expect(rendered.tables).toBe(tables);
    expect(rendered.strayPipes).toBe(0);
    expect(rendered.escapedCells).toBe(false);
    expect(rendered.headings).toEqual([
      'Summary',
      'Model',
      'Metrics',
      'Classification analysis',
      'Learning curves',
      'Example predictions',
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-tiny-rnn-md.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the compare page of three runs with overlaid curves and a metrics table', async () => {
    const io = captureIo(dir);
    const code = await main(
      ['compare', 'reports/tiny-rnn', 'artifacts/tiny-lstm', 'reports/tiny-gru/metrics.json'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(
      /compared tiny-rnn, tiny-lstm, tiny-gru: reports\/compare\/compare.html/,
    );
    const md = await readFile(join(dir, 'reports', 'compare', 'compare.md'), 'utf8');
    expect(md.match(/^\| tiny-(rnn|lstm|gru) \|/gm)).toHaveLength(6);

    const { page, problems } = await open(join(dir, 'reports', 'compare', 'compare.html'));
    const runs = await Promise.all(RUNS.map(async (r) => metricsOf(r.name)));
    const found = await charts(page);
    const byId = Object.fromEntries(found.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(
      ['compare-accuracy', 'compare-loss', 'compare-pr', 'compare-roc'].sort(),
    );
    const epochs = runs.map((m) => m.history['loss']!.length);
    expect(epochs).toEqual([8, 6, 7]);
    expect(byId['compare-loss']?.drawn).toBe(2 * (8 + 6 + 7));
    const rocPoints = runs.reduce(
      (sum, m) => sum + new Set(m.predictions.validation.map((e) => e.scores[1])).size + 1,
      0,
    );
    expect(byId['compare-roc']?.drawn).toBe(rocPoints);
    for (const chart of found) expect(chart.drawn, chart.id).toBe(chart.declared);
    const rows = await page.$$eval('#metrics tbody tr', (trs) =>
      trs.map((tr) => tr.querySelector('td')?.textContent),
    );
    expect(rows).toEqual(['tiny-rnn', 'tiny-lstm', 'tiny-gru']);
    const legend = await page.$eval(
      'figure[data-chart="compare-loss"] svg',
      (svg) => svg.textContent,
    );
    for (const run of RUNS) expect(legend).toContain(run.name);
    const { small, overflow } = await readability(page);
    expect(small).toEqual([]);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-3-runs.png'), fullPage: true });
    await page
      .locator('#curves')
      .screenshot({ path: join(SCREENSHOTS, 'compare-3-runs-curves.png') });
    await copyFile(
      join(dir, 'reports', 'compare', 'compare.html'),
      join(SCREENSHOTS, 'compare-3-runs.html'),
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});
