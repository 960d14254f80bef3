/**
 * The checks every HTTP deploy target passes (Node, Deno, Bun, workerd): one tiny artifact, one
 * bundle, one server process; predictions equal Node's within 1e-5; bad requests get 400 JSON;
 * 200 concurrent requests all succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction, Translation } from '@seqpipe/runtime';
import {
  BAD_REQUESTS,
  PROBE_TEXTS,
  concurrentPredicts,
  deployFixture,
  maxScoreDiff,
  maxTranslationDiff,
  SEQ2SEQ_PROBES,
  seq2seqFixture,
  type Seq2seqFixture,
  predict,
  request,
  type DeployFixture,
  type RunningServer,
} from './harness.js';

export const TOLERANCE = 1e-5;

export function describeHttpTarget(
  target: string,
  start: (fixture: { dir: string; bundleDir: string }) => Promise<RunningServer>,
): void {
  describe(`deploy ${target}`, () => {
    let fixture: DeployFixture;
    let server: RunningServer;

    beforeAll(async () => {
      fixture = await deployFixture(target);
      server = await start(fixture);
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await fixture?.cleanup();
    });

    it('prints the bundle sizes, JavaScript for inference under 200 KB gzip', () => {
      const js = /JavaScript for inference: ([\d.]+) KB gzip/.exec(fixture.bundleOutput);
      expect(js, fixture.bundleOutput).not.toBeNull();
      expect(Number(js?.[1])).toBeLessThan(200);
    });

    it('answers health and predictions equal to Node within 1e-5', async () => {
      const health = await request(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: 'ok',
        name: 'tiny-deploy',
        labels: ['negative', 'positive'],
        backend: { backend: 'wasm', simd: true, fusedKernels: true },
      });
      const answer = await predict(server.url, PROBE_TEXTS);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^application\/json/);
      const predictions = (answer.body as { predictions: Prediction[] }).predictions;
      expect(predictions.map((p) => p.text)).toEqual(PROBE_TEXTS);
      expect(maxScoreDiff(predictions, fixture.reference)).toBeLessThanOrEqual(TOLERANCE);
    });

    it.each(BAD_REQUESTS)('answers 400 with a JSON error for $name', async (bad) => {
      const answer = await request(`${server.url}/predict`, {
        method: 'POST',
        body: bad.body,
        contentType: bad.contentType,
      });
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.body).toMatchObject({ error: { code: bad.code } });
    });

    it('holds 200 concurrent requests with no failure', async () => {
      const result = await concurrentPredicts(server.url, 200, fixture.reference);
      expect(result.failures).toEqual([]);
      expect(result.statuses).toEqual({ 200: 200 });
      expect(result.maxDiff).toBeLessThanOrEqual(TOLERANCE);
    }, 120_000);
  });

  describe(`deploy ${target}: a seq2seq artifact`, () => {
    let fixture: Seq2seqFixture;
    let server: RunningServer;

    beforeAll(async () => {
      fixture = await seq2seqFixture(target);
      server = await start(fixture);
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await fixture?.cleanup();
    });

    it('answers POST /translate like Node within 1e-5, and 400 for a bad request', async () => {
      const answer = await request(`${server.url}/translate`, {
        method: 'POST',
        contentType: 'application/json',
        body: JSON.stringify({ texts: SEQ2SEQ_PROBES }),
      });
      expect(answer.status).toBe(200);
      const translations = (answer.body as { translations: Translation[] }).translations;
      expect(translations.map((t) => t.text)).toEqual(SEQ2SEQ_PROBES);
      expect(maxTranslationDiff(translations, fixture.reference)).toBeLessThanOrEqual(TOLERANCE);
      const bad = await request(`${server.url}/translate`, {
        method: 'POST',
        contentType: 'application/json',
        body: '{"texts": []}',
      });
      expect(bad.status).toBe(400);
      expect((await request(`${server.url}/health`)).body).toMatchObject({ task: 'seq2seq' });
    });
  });
}
