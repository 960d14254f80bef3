import { isSeqpipeError } from '@seqpipe/errors';
import type { Prediction } from './text-classifier.js';

/**
 * What the handler serves: a loaded classifier (`predict`, served as `POST /predict`) and/or a
 * seq2seq model (`translate`, served as `POST /translate`); each route exists when the model
 * has the method. Both take the same `{ "texts": [...] }` body and limits.
 */
export interface PredictModel {
  readonly manifest: {
    readonly name: string;
    readonly task: string;
    readonly labels?: readonly string[];
  };
  predict?(texts: readonly string[]): Promise<readonly Prediction[]>;
  translate?(texts: readonly string[]): Promise<readonly unknown[]>;
}

/** Bounds on one request; anything past them is a 400 (or 413 for the body size). */
export interface PredictLimits {
  /** Texts per request (default 64). */
  readonly maxTexts: number;
  /** Characters per text (default 2000). */
  readonly maxTextLength: number;
  /** Bytes of request body (default 256 KiB). */
  readonly maxBodyBytes: number;
}

export const DEFAULT_PREDICT_LIMITS: PredictLimits = {
  maxTexts: 64,
  maxTextLength: 2000,
  maxBodyBytes: 256 * 1024,
};

export interface PredictHandlerOptions {
  readonly limits?: Partial<PredictLimits>;
  /** Extra fields for `GET /health` (the bundles add the backend line). */
  readonly health?: Readonly<Record<string, unknown>>;
}

/** A fetch-style handler: the same function serves Node, Deno, Bun and Cloudflare Workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** The body of every non-2xx answer. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly path?: string };
}

class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function errorResponse(error: BadRequest, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.path !== undefined ? { path: error.path } : {}),
    },
  };
  return json(error.status, body, headers);
}

/**
 * `POST /predict` with `{ "texts": [...] }` answers `{ "predictions": [...] }` (and
 * `POST /translate` answers `{ "translations": [...] }` for a model with `translate`); `GET /health`
 * (and `GET /`) answers `{ "status": "ok", name, task, labels, ... }`. Bad requests get 400 with
 * `{ "error": { code, message, path } }` naming what was wrong: wrong content type, malformed
 * JSON, a missing or non-array `texts`, a text that is not a string, empty or too long, too many
 * texts. Unknown paths are 404, wrong methods 405, an oversized body 413.
 */
export function createPredictHandler(
  model: PredictModel,
  options: PredictHandlerOptions = {},
): FetchHandler {
  const limits: PredictLimits = { ...DEFAULT_PREDICT_LIMITS, ...options.limits };
  const health = {
    status: 'ok',
    name: model.manifest.name,
    task: model.manifest.task,
    ...(model.manifest.labels !== undefined ? { labels: model.manifest.labels } : {}),
    limits,
    ...options.health,
  };
  const routes: Record<string, { method: string; run: (request: Request) => Promise<Response> }> = {
    '/': { method: 'GET', run: async () => json(200, health) },
    '/health': { method: 'GET', run: async () => json(200, health) },
  };
  const predict = model.predict?.bind(model);
  if (predict !== undefined) {
    routes['/predict'] = {
      method: 'POST',
      run: async (request) => {
        const texts = await readTexts(request, limits);
        return json(200, { predictions: await predict(texts) });
      },
    };
  }
  const translate = model.translate?.bind(model);
  if (translate !== undefined) {
    routes['/translate'] = {
      method: 'POST',
      run: async (request) => {
        const texts = await readTexts(request, limits);
        return json(200, { translations: await translate(texts) });
      },
    };
  }
  const served = Object.keys(routes)
    .filter((path) => path === '/predict' || path === '/translate')
    .map((path) => `POST ${path}`)
    .join(', ');

  return async (request) => {
    const { pathname } = new URL(request.url);
    const route = routes[pathname];
    try {
      if (route === undefined) {
        throw new BadRequest(
          404,
          'SEQPIPE_HTTP_NOT_FOUND',
          `no route ${pathname}: use ${served} or GET /health.`,
        );
      }
      if (
        request.method !== route.method &&
        !(route.method === 'GET' && request.method === 'HEAD')
      ) {
        return errorResponse(
          new BadRequest(
            405,
            'SEQPIPE_HTTP_METHOD',
            `${pathname} takes ${route.method}, not ${request.method}.`,
          ),
          { allow: route.method },
        );
      }
      return await route.run(request);
    } catch (error) {
      if (error instanceof BadRequest) return errorResponse(error);
      if (isSeqpipeError(error) && error.code === 'SEQPIPE_RUNTIME_INPUT') {
        return errorResponse(new BadRequest(400, error.code, error.message));
      }
      return errorResponse(
        new BadRequest(500, 'SEQPIPE_HTTP_INTERNAL', 'prediction failed; see the server log.'),
      );
    }
  };
}

async function readTexts(request: Request, limits: PredictLimits): Promise<string[]> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new BadRequest(
      400,
      'SEQPIPE_HTTP_CONTENT_TYPE',
      `send JSON with content-type application/json; received ${type === '' ? 'no content-type' : JSON.stringify(type)}.`,
    );
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limits.maxBodyBytes) throw tooLarge(limits);
  const raw = await request.text();
  if (raw.length > limits.maxBodyBytes) throw tooLarge(limits);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw new BadRequest(
      400,
      'SEQPIPE_HTTP_JSON',
      `the body is not valid JSON (${(error as Error).message}); send {"texts": ["..."]}.`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('texts' in body)) {
    throw new BadRequest(
      400,
      'SEQPIPE_HTTP_FIELD',
      'missing field "texts": send {"texts": ["some text", ...]}.',
      '/texts',
    );
  }
  const texts = (body as { texts: unknown }).texts;
  if (!Array.isArray(texts) || texts.length === 0) {
    throw new BadRequest(
      400,
      'SEQPIPE_HTTP_FIELD',
      '"texts" must be a non-empty array of strings.',
      '/texts',
    );
  }
  if (texts.length > limits.maxTexts) {
    throw new BadRequest(
      400,
      'SEQPIPE_HTTP_LIMIT',
      `too many texts: ${texts.length}, at most ${limits.maxTexts} per request.`,
      '/texts',
    );
  }
  texts.forEach((text: unknown, i) => {
    const path = `/texts/${i}`;
    if (typeof text !== 'string') {
      throw new BadRequest(400, 'SEQPIPE_HTTP_FIELD', `texts[${i}] is not a string.`, path);
    }
    if (text.trim() === '') {
      throw new BadRequest(400, 'SEQPIPE_HTTP_FIELD', `texts[${i}] is empty.`, path);
    }
    if (text.length > limits.maxTextLength) {
      throw new BadRequest(
        400,
        'SEQPIPE_HTTP_LIMIT',
        `texts[${i}] has ${text.length} characters, at most ${limits.maxTextLength}.`,
        path,
      );
    }
  });
  return texts as string[];
}

function tooLarge(limits: PredictLimits): BadRequest {
  return new BadRequest(
    413,
    'SEQPIPE_HTTP_LIMIT',
    `the body is larger than ${limits.maxBodyBytes} bytes.`,
  );
}
