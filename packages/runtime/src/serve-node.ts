import type * as NodeHttp from 'node:http';
import type { FetchHandler } from './predict-handler.js';

export interface ServeNodeOptions {
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1 (loopback); pass 0.0.0.0 to listen on every interface. */
  readonly hostname?: string;
}

export interface NodeServer {
  /** `http://host:port` actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves a fetch-style handler with `node:http` (Node.js; Deno and Bun have their own
 * `Deno.serve` / `Bun.serve` that take the handler directly). `node:http` is imported only here,
 * and only when called, so browser and Worker bundles never reach it.
 */
export async function serveNode(
  handler: FetchHandler,
  options: ServeNodeOptions = {},
): Promise<NodeServer> {
  const specifier = 'node:http';
  const http = (await import(/* @vite-ignore */ specifier)) as typeof NodeHttp;
  const hostname = options.hostname ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    void answer(handler, req, res, hostname);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, hostname, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${hostname}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // idle keep-alive sockets would hold close() open
      }),
  };
}

async function answer(
  handler: FetchHandler,
  req: NodeHttp.IncomingMessage,
  res: NodeHttp.ServerResponse,
  hostname: string,
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const method = req.method ?? 'GET';
    const request = new Request(`http://${req.headers.host ?? hostname}${req.url ?? '/'}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    const response = await handler(request);
    const body = new Uint8Array(await response.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    res.writeHead(response.status, outHeaders);
    res.end(method === 'HEAD' ? undefined : body);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        error: { code: 'SEQPIPE_HTTP_INTERNAL', message: (error as Error).message },
      }),
    );
  }
}
