import { describe, expect, it } from 'vitest';
import { createPredictHandler, type PredictModel } from './predict-handler.js';
import { serveNode } from './serve-node.js';
import type { Prediction } from './text-classifier.js';

/** A stand-in model: positive iff the text contains "good". */
const model: PredictModel = {
  manifest: {
    name: 'stub',
    task: 'binaryClassification',
    labels: ['neg', 'pos'],
  },
  predict: async (texts) =>
    texts.map((text): Prediction => {
      const p = text.includes('good') ? 0.9 : 0.1;
      return {
        text,
        label: p > 0.5 ? 'pos' : 'neg',
        confidence: Math.max(p, 1 - p),
        scores: [1 - p, p],
      };
    }),
};

const handler = createPredictHandler(model, { limits: { maxTexts: 3, maxTextLength: 10 } });

function post(body: string, type = 'application/json'): Promise<Response> {
  return handler(
    new Request('http://x/predict', { method: 'POST', body, headers: { 'content-type': type } }),
  );
}

describe('createPredictHandler', () => {
  it('answers predictions for good requests and health for GET /health', async () => {
    const response = await post(JSON.stringify({ texts: ['good', 'bad'] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      predictions: [
        { text: 'good', label: 'pos', confidence: 0.9, scores: [0.09999999999999998, 0.9] },
        { text: 'bad', label: 'neg', confidence: 0.9, scores: [0.9, 0.1] },
      ],
    });
    const health = await handler(new Request('http://x/health'));
    expect(await health.json()).toMatchObject({
      status: 'ok',
      name: 'stub',
      labels: ['neg', 'pos'],
    });
  });

  it.each([
    [
      'wrong content type',
      () => post('{"texts":["a"]}', 'text/plain'),
      'SEQPIPE_HTTP_CONTENT_TYPE',
      undefined,
    ],
    ['malformed JSON', () => post('{"texts":['), 'SEQPIPE_HTTP_JSON', undefined],
    ['missing field', () => post('{"text":["a"]}'), 'SEQPIPE_HTTP_FIELD', '/texts'],
    ['not an array', () => post('{"texts":"a"}'), 'SEQPIPE_HTTP_FIELD', '/texts'],
    ['empty text', () => post('{"texts":["ok","  "]}'), 'SEQPIPE_HTTP_FIELD', '/texts/1'],
    ['non-string text', () => post('{"texts":[3]}'), 'SEQPIPE_HTTP_FIELD', '/texts/0'],
    ['over-long text', () => post('{"texts":["abcdefghijk"]}'), 'SEQPIPE_HTTP_LIMIT', '/texts/0'],
    ['too many texts', () => post('{"texts":["a","b","c","d"]}'), 'SEQPIPE_HTTP_LIMIT', '/texts'],
  ])('answers 400 with a JSON error for %s', async (_, send, code, path) => {
    const response = await send();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: string; path?: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.path).toBe(path);
  });

  it('answers 404 for unknown paths and 405 with Allow for wrong methods', async () => {
    expect((await handler(new Request('http://x/nope'))).status).toBe(404);
    const wrong = await handler(new Request('http://x/predict'));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('createPredictHandler with a translate model', () => {
  it('serves POST /translate with the same body and limits, and no /predict', async () => {
    const translator = createPredictHandler({
      manifest: { name: 'rev', task: 'seq2seq' },
      translate: async (texts) =>
        texts.map((t) => ({ text: t, output: [...t].reverse().join('') })),
    });
    const ok = await translator(
      new Request('http://x/translate', {
        method: 'POST',
        body: '{"texts":["abc"]}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(await ok.json()).toEqual({ translations: [{ text: 'abc', output: 'cba' }] });
    const bad = await translator(
      new Request('http://x/translate', {
        method: 'POST',
        body: '{"texts":[]}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(bad.status).toBe(400);
    const none = await translator(new Request('http://x/predict', { method: 'POST' }));
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { message: string } }).error.message).toBe(
      'no route /predict: use POST /translate or GET /health.',
    );
  });
});

describe('serveNode', () => {
  it('serves the handler over node:http on loopback', async () => {
    const server = await serveNode(handler, { port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ texts: ['good'] }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { predictions: Prediction[] }).predictions[0]?.label).toBe(
        'pos',
      );
      const bad = await fetch(`${server.url}/predict`, { method: 'POST', body: 'x' });
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
