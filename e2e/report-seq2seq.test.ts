import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@seqpipe/cli';
import {
  lengthBuckets,
  parseSeq2seqEvaluation,
  renderHtmlReport,
  reportInputFromSeq2seqEvaluation,
} from '@seqpipe/eval';
import { seq2seqEvaluationFixture } from '../packages/eval/src/seq2seq-evaluation.fixture.js';
import { captureIo } from '../tools/test-fixtures/capture-io.js';
import { tinySeq2seqPipeline } from '../tools/test-fixtures/tiny-pipelines.js';

/**
 * The seq2seq report: a tiny reverseDigits pipeline trained for two epochs (`seqpipe run`
 * writes metrics.json with every held-out pair, report.md and report.html), and the pages
 * opened in headless Chromium. Screenshots go to test-results/.
 */

const CHROMIUM = process.env['SEQPIPE_CHROMIUM'] ?? '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results');

const PIPELINE = tinySeq2seqPipeline({
  name: 'tiny-reverse-report',
  description: 'Reverse four digits <tiny>, two epochs: mostly wrong, which the diff shows.',
  count: 64,
  split: { validation: 0.25, test: 0.25 },
});

let dir: string;
let profile: string;
let context: BrowserContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-report-s2s-'));
  await writeFile(join(dir, 'tiny.json'), JSON.stringify(PIPELINE));
  const io = captureIo(dir);
  if ((await main(['run', 'tiny.json'], io)) !== 0)
    throw new Error(`seqpipe run failed: ${io.err()}${io.out()}`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs chromium`);
  profile = await mkdtemp(join(tmpdir(), 'seqpipe-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await rm(dir, { recursive: true, force: true });
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

const reportDir = () => join(dir, 'reports', PIPELINE.name);

async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

async function errorChart(page: Page) {
  return page.$eval('figure[data-chart="error-by-length"]', (f) => ({
    declared: Number(f.getAttribute('data-points')),
    drawn: f.querySelectorAll('g.points_marks path').length,
    width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
  }));
}

describe('seqpipe run on a seq2seq pipeline', () => {
  it('records every held-out pair in metrics.json, which parses back', async () => {
    const json = await readFile(join(reportDir(), 'metrics.json'), 'utf8');
    const evaluation = parseSeq2seqEvaluation(json, 'metrics.json');
    expect(evaluation.schemaVersion).toBe(1);
    const test = evaluation.records?.test ?? [];
    expect(test).toHaveLength(evaluation.splits.test?.count ?? -1);
    expect(evaluation.records?.validation).toHaveLength(evaluation.splits.validation?.count ?? -1);
    for (const r of test) {
      expect(r.reference).toBe([...r.source].reverse().join(''));
      expect(r.referenceTokens).toBe(4);
    }
    // the records give back the split's token error rate
    const edits = test.reduce((s, r) => s + r.edits, 0);
    expect(edits / (4 * test.length)).toBeCloseTo(evaluation.splits.test?.tokenErrorRate ?? -1, 12);
  });

  it('opens report.html in Chromium: no errors, no requests, chart and diff marks present', async () => {
    const evaluation = parseSeq2seqEvaluation(
      await readFile(join(reportDir(), 'metrics.json'), 'utf8'),
      'metrics.json',
    );
    const { page, problems } = await open(join(reportDir(), 'report.html'));
    // every source is 4 digits (7 characters): one bucket per split
    const buckets =
      lengthBuckets(evaluation.records?.validation ?? []).length +
      lengthBuckets(evaluation.records?.test ?? []).length;
    expect(buckets).toBe(2);
    const chart = await errorChart(page);
    expect(chart).toMatchObject({ declared: buckets, drawn: buckets });
    expect(chart.width).toBeGreaterThan(200);
    const wrong = (evaluation.records?.test ?? []).filter((r) => r.edits > 0).length;
    const marks = await page.$$eval(
      'table.diff-table ins.diff, table.diff-table del.diff',
      (m) => m.length,
    );
    if (wrong > 0) expect(marks).toBeGreaterThan(0);
    expect(await page.title()).toBe(`Report: ${PIPELINE.name}`);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({
      path: join(SCREENSHOTS, 'report-seq2seq-trained.png'),
      fullPage: true,
    });
    expect(problems).toEqual([]);
    const md = await readFile(join(reportDir(), 'report.md'), 'utf8');
    expect(md).toContain('## Error rate by source length');
    await page.close();
  });
});

describe('seq2seq report of a fixture with several source lengths', () => {
  it('draws one point per length bucket and marks insertions, deletions, substitutions', async () => {
    const file = join(dir, 'fixture.html');
    await writeFile(
      file,
      await renderHtmlReport(reportInputFromSeq2seqEvaluation(seq2seqEvaluationFixture())),
    );
    const { page, problems } = await open(file);
    expect(await errorChart(page)).toMatchObject({ declared: 5, drawn: 5 });
    const marks = await page.$$eval('table.diff-table', ([table]) => ({
      ins: table?.querySelectorAll('ins.diff:not(.sub)').length,
      del: table?.querySelectorAll('del.diff:not(.sub)').length,
      sub: table?.querySelectorAll('del.diff.sub').length,
      escaped: table?.textContent?.includes('<&>'),
    }));
    expect(marks).toEqual({ ins: 1, del: 1, sub: 2, escaped: true });
    // the marks differ from plain text by more than colour: struck through and underlined
    const styles = await page.$eval('table.diff-table', (table) => ({
      del: getComputedStyle(table.querySelector('del.diff') as Element).textDecorationLine,
      ins: getComputedStyle(table.querySelector('ins.diff') as Element).textDecorationLine,
    }));
    expect(styles).toEqual({ del: 'line-through', ins: 'underline' });
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({
      path: join(SCREENSHOTS, 'report-seq2seq-fixture.png'),
      fullPage: true,
    });
    await page
      .locator('section#task')
      .screenshot({ path: join(SCREENSHOTS, 'report-seq2seq-fixture-analysis.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});
