/**
 * A loopback static server for the browser bundle, sending the page's Content-Security-Policy as
 * a header. Everything under /isolated/ is also served cross-origin isolated (COOP/COEP), which
 * is what lets a page use SharedArrayBuffer and so WASM threads; /plain/ is the same files without.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

const EVAL_PROBE = `window.evalProbe = (() => {
  try { return String(new Function('return 1')()); } catch { return 'blocked'; }
})();`;

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string, csp: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (path.endsWith('/__eval-probe.js')) {
        // Not part of the bundle: a same-origin script that tries code generation under the CSP.
        res.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': csp });
        res.end(EVAL_PROBE);
        return;
      }
      const match = /^\/(isolated|plain)(\/.*)$/.exec(path);
      const relative = normalize(match?.[2] === '/' ? '/index.html' : (match?.[2] ?? '/'));
      if (match === null || relative.includes('..')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(join(root, relative));
        const headers: Record<string, string> = {
          'content-type': TYPES[extname(relative)] ?? 'application/octet-stream',
          'content-security-policy': csp,
          'cache-control': 'no-store',
        };
        if (match[1] === 'isolated') {
          headers['cross-origin-opener-policy'] = 'same-origin';
          headers['cross-origin-embedder-policy'] = 'require-corp';
          headers['cross-origin-resource-policy'] = 'same-origin';
        }
        res.writeHead(200, headers).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
