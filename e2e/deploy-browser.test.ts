import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo } from '@seqpipe/backend';
import type { Prediction, Translation } from '@seqpipe/runtime';
import {
  PROBE_TEXTS,
  SEQ2SEQ_PROBES,
  deployFixture,
  maxScoreDiff,
  maxTranslationDiff,
  seq2seqFixture,
  type DeployFixture,
} from '../tools/edge/harness.js';
import { serveStatic, type StaticServer } from '../tools/edge/static-server.js';

// Debian's chromium (.ci/run installs it when missing), driven by playwright-core.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface DemoState {
  backend: BackendInfo;
  name: string;
  crossOriginIsolated: boolean;
}

let fixture: DeployFixture;
let server: StaticServer;
let profile: string;
let context: BrowserContext;
let csp: string;

beforeAll(async () => {
  fixture = await deployFixture('browser');
  // The CSP the page declares is the one the server sends: no 'unsafe-eval'.
  const html = await readFile(join(fixture.bundleDir, 'index.html'), 'utf8');
  csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  server = await serveStatic(fixture.bundleDir, csp);
  profile = await mkdtemp(join(tmpdir(), 'seqpipe-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  // Collects CSP violations from the first script on (init scripts run before the page's own).
  await context.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  await fixture?.cleanup();
});

async function openDemo(
  mode: 'isolated' | 'plain',
): Promise<{ page: Page; state: DemoState; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.url}/${mode}/`);
  const state = (await page.evaluate(
    () => (window as unknown as { seqpipeDemo: { ready: Promise<unknown> } }).seqpipeDemo.ready,
  )) as DemoState;
  return { page, state, errors };
}

/** The demo's `run`: predict for a classifier, translate for a seq2seq model. */
async function runIn<T>(page: Page, texts: readonly string[]): Promise<T[]> {
  return page.evaluate(
    (t) =>
      (
        window as unknown as { seqpipeDemo: { run(t: string[]): Promise<unknown[]> } }
      ).seqpipeDemo.run(t),
    [...texts],
  ) as Promise<T[]>;
}

describe('deploy browser (headless Chromium)', () => {
  it('serves a CSP without unsafe-eval, only wasm-unsafe-eval', () => {
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('loads the artifact under the CSP and predicts like Node within 1e-5', async () => {
    const { page, state, errors } = await openDemo('plain');
    try {
      expect(state.name).toBe('tiny-deploy');
      expect(state.crossOriginIsolated).toBe(false);
      expect(state.backend).toMatchObject({
        backend: 'wasm',
        simd: true,
        threads: 1,
        fusedKernels: true,
      });
      const predictions = await runIn<Prediction>(page, PROBE_TEXTS);
      expect(maxScoreDiff(predictions, fixture.reference)).toBeLessThanOrEqual(1e-5);
      // The demo table shows them too.
      await expect
        .poll(() => page.locator('#results tr').count(), { timeout: 10_000 })
        .toBeGreaterThan(0);
      // The CSP is in force: code generation from strings is refused.
      // (page.evaluate itself is exempt, so a same-origin script of the page's own tries it).
      await page.addScriptTag({ url: `${server.url}/plain/__eval-probe.js` });
      expect(
        await page.evaluate(() => (window as unknown as { evalProbe: string }).evalProbe),
      ).toBe('blocked');
      expect(
        await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ).toEqual(expect.not.arrayContaining([expect.not.stringMatching(/^script-src eval/)]));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('uses WASM threads when served cross-origin isolated (COOP/COEP)', async () => {
    const { page, state, errors } = await openDemo('isolated');
    try {
      expect(state.crossOriginIsolated).toBe(true);
      expect(state.backend).toMatchObject({
        backend: 'wasm',
        simd: true,
        threads: 2,
        fusedKernels: true,
      });
      expect(state.backend.fallbackReason).toBeUndefined();
      const predictions = await runIn<Prediction>(page, PROBE_TEXTS);
      expect(maxScoreDiff(predictions, fixture.reference)).toBeLessThanOrEqual(1e-5);
      expect(
        await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('deploy browser (headless Chromium): a seq2seq artifact', () => {
  it('translates like Node within 1e-5 under the same CSP', async () => {
    const s2s = await seq2seqFixture('browser');
    const s2sServer = await serveStatic(s2s.bundleDir, csp);
    const page = await context.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${s2sServer.url}/plain/`);
      const state = (await page.evaluate(
        () => (window as unknown as { seqpipeDemo: { ready: Promise<unknown> } }).seqpipeDemo.ready,
      )) as DemoState & { task: string };
      expect(state).toMatchObject({ name: 'tiny-reverse', task: 'seq2seq' });
      const translations = await runIn<Translation>(page, SEQ2SEQ_PROBES);
      expect(maxTranslationDiff(translations, s2s.reference)).toBeLessThanOrEqual(1e-5);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await s2sServer.close();
      await s2s.cleanup();
    }
  }, 180_000);
});
