/**
 * Test harness for the deploy e2e tests (e2e/deploy-*.test.ts): trains a tiny artifact in a temp
 * dir, bundles it for one target with the real CLI, starts the bundle in its real runtime
 * (Node, Deno, Bun, workerd) and checks it over HTTP on loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@seqpipe/cli';
import { loadArtifact, loadTranslator, type Prediction, type Translation } from '@seqpipe/runtime';
import { captureIo } from '../test-fixtures/capture-io.js';
import { tinyClassifierPipeline, tinySeq2seqPipeline } from '../test-fixtures/tiny-pipelines.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A binary installed by npm (devDependencies deno, bun, workerd). */
export function npmBin(name: string): string {
  return join(REPO_ROOT, 'node_modules', '.bin', name);
}

/** Texts every target predicts; the reference comes from Node in the test process. */
export const PROBE_TEXTS = [
  'a wonderful film',
  'truly awful acting',
  'the story was boring',
  'brilliant',
  'words the model never saw',
];

/** The tiny classifier the deploy tests train (seconds, WASM, one thread). */
const TINY_PIPELINE = tinyClassifierPipeline({
  name: 'tiny-deploy',
  examples: ['a wonderful film'],
});

/** A tiny seq2seq pipeline (reverse 4 digits), trained in seconds. */
const TINY_SEQ2SEQ = tinySeq2seqPipeline({ name: 'tiny-reverse' });

/** Source texts the seq2seq targets translate. */
export const SEQ2SEQ_PROBES = ['3 7 2 5', '1 2 3 4', '9 9 1 8'];

/** Runs the CLI in `dir`; throws with what it printed when it fails. */
async function seqpipe(dir: string, args: string[]): Promise<string> {
  const io = captureIo(dir);
  if ((await main(args, io)) !== 0)
    throw new Error(`seqpipe ${args.join(' ')} failed:\n${io.out()}${io.err()}`);
  return io.out();
}

/** A tiny pipeline trained and bundled in its own temp dir (deleted by `cleanup`). */
export interface TrainedBundle {
  readonly dir: string;
  /** artifacts/<name>/ inside `dir`. */
  readonly artifactDir: string;
  /** dist/bundles/<name>/<target>/ inside `dir`. */
  readonly bundleDir: string;
  /** What `seqpipe bundle` printed (sizes). */
  readonly bundleOutput: string;
  /** Reads an artifact file, for the runtime's loaders. */
  readArtifactFile(file: string): Promise<Uint8Array>;
  cleanup(): Promise<void>;
}

/** Writes `pipeline` to tiny.json in a fresh temp dir, trains it and bundles it for `target`. */
async function trainAndBundle(
  pipeline: { readonly name: string },
  target: string,
  prefix: string,
): Promise<TrainedBundle> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-${target}-`));
  await writeFile(join(dir, 'tiny.json'), JSON.stringify(pipeline));
  await seqpipe(dir, ['train', 'tiny.json']);
  const bundleOutput = await seqpipe(dir, ['bundle', 'tiny.json', '--target', target]);
  const artifactDir = join(dir, 'artifacts', pipeline.name);
  return {
    dir,
    artifactDir,
    bundleDir: join(dir, 'dist', 'bundles', pipeline.name, target),
    bundleOutput,
    readArtifactFile: async (file) => new Uint8Array(await readFile(join(artifactDir, file))),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface Seq2seqFixture extends TrainedBundle {
  /** Node's translations of SEQ2SEQ_PROBES (WASM, in this process). */
  readonly reference: Translation[];
}

/** Trains the tiny seq2seq pipeline in a fresh temp dir and bundles it for `target`. */
export async function seq2seqFixture(target: string): Promise<Seq2seqFixture> {
  const trained = await trainAndBundle(TINY_SEQ2SEQ, target, 'seqpipe-deploy-s2s');
  const translator = await loadTranslator(trained.readArtifactFile, {
    backend: { type: 'wasm', threads: 1 },
  });
  const reference = await translator.translate(SEQ2SEQ_PROBES);
  translator.dispose();
  return { ...trained, reference };
}

/** Largest |logProb| difference between two translation lists (Infinity if texts differ). */
export function maxTranslationDiff(a: readonly Translation[], b: readonly Translation[]): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  a.forEach((t, i) => {
    const u = b[i];
    if (u === undefined || u.translation !== t.translation) max = Infinity;
    else max = Math.max(max, Math.abs(t.logProb - u.logProb));
  });
  return max;
}

export interface DeployFixture extends TrainedBundle {
  /** Node's predictions for PROBE_TEXTS (WASM, in this process). */
  readonly reference: Prediction[];
}

/** Trains the tiny pipeline in a fresh temp dir and bundles it for `target` with the CLI. */
export async function deployFixture(target: string): Promise<DeployFixture> {
  const trained = await trainAndBundle(TINY_PIPELINE, target, 'seqpipe-deploy');
  const classifier = await loadArtifact(trained.readArtifactFile, {
    backend: { type: 'wasm', threads: 1 },
  });
  const reference = await classifier.predict(PROBE_TEXTS);
  classifier.dispose();
  return { ...trained, reference };
}

/** A free loopback port (for runtimes that take a fixed one, like workerd). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  readonly url: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server process and waits until `GET <url>/health` answers 200 (at most `timeoutMs`).
 * `url` is either given (fixed port) or read from a `listening on http://…` line it prints.
 */
export async function startServer(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; url?: string; timeoutMs?: number },
): Promise<RunningServer> {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      const url = options.url ?? /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return { url, output: () => output, stop };
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for /health');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await stop();
    throw new Error(
      `${command} ${args.join(' ')} did not start: ${(error as Error).message}\n${output}`,
      { cause: error },
    );
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

export async function request(
  url: string,
  init: { method?: string; body?: string; contentType?: string } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion on body shows the text
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

export function predict(url: string, texts: unknown): Promise<HttpAnswer> {
  return request(`${url}/predict`, {
    method: 'POST',
    contentType: 'application/json',
    body: JSON.stringify({ texts }),
  });
}

/** Bad requests every HTTP target must answer with 400 and a JSON error. */
export const BAD_REQUESTS: ReadonlyArray<{
  readonly name: string;
  readonly body: string;
  readonly contentType: string;
  readonly code: string;
}> = [
  {
    name: 'wrong content type',
    body: '{"texts":["a"]}',
    contentType: 'text/plain',
    code: 'SEQPIPE_HTTP_CONTENT_TYPE',
  },
  {
    name: 'malformed JSON',
    body: '{"texts": [',
    contentType: 'application/json',
    code: 'SEQPIPE_HTTP_JSON',
  },
  {
    name: 'missing field',
    body: '{"text": ["a"]}',
    contentType: 'application/json',
    code: 'SEQPIPE_HTTP_FIELD',
  },
  {
    name: 'empty text',
    body: '{"texts": [""]}',
    contentType: 'application/json',
    code: 'SEQPIPE_HTTP_FIELD',
  },
  {
    name: 'over-long text',
    body: JSON.stringify({ texts: ['great '.repeat(400)] }),
    contentType: 'application/json',
    code: 'SEQPIPE_HTTP_LIMIT',
  },
  {
    name: 'too many texts',
    body: JSON.stringify({ texts: Array.from({ length: 65 }, () => 'great') }),
    contentType: 'application/json',
    code: 'SEQPIPE_HTTP_LIMIT',
  },
];

/** Largest absolute difference between two predictions' scores (Infinity if shapes differ). */
export function maxScoreDiff(a: readonly Prediction[], b: readonly Prediction[]): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  a.forEach((p, i) => {
    const q = b[i];
    if (q === undefined || q.label !== p.label || q.scores.length !== p.scores.length) {
      max = Infinity;
      return;
    }
    p.scores.forEach((s, j) => (max = Math.max(max, Math.abs(s - (q.scores[j] ?? NaN)))));
  });
  return max;
}

/**
 * `total` requests, all in flight at once (bounded: one batch, loopback only). Returns the
 * statuses and the largest score difference to `reference` seen in any answer.
 */
export async function concurrentPredicts(
  url: string,
  total: number,
  reference: readonly Prediction[],
): Promise<{ statuses: Record<number, number>; maxDiff: number; failures: string[] }> {
  const statuses: Record<number, number> = {};
  const failures: string[] = [];
  let maxDiff = 0;
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const k = i % reference.length;
      try {
        const answer = await predict(url, [PROBE_TEXTS[k]]);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        const got = (answer.body as { predictions?: Prediction[] }).predictions ?? [];
        maxDiff = Math.max(maxDiff, maxScoreDiff(got, [reference[k] as Prediction]));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }),
  );
  return { statuses, maxDiff, failures };
}
