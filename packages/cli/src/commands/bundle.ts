/**
 * `seqpipe bundle <pipeline.json> --target node|deno|bun|worker|browser|all`: deployable output
 * for one artifact under dist/bundles/<name>/<target>/, built with esbuild, sizes printed.
 *
 * Every target keeps the model files (model/) and the WASM binaries (tfjs' and seqpipe's fused
 * recurrent kernels, `seqpipe-fused-rnn.wasm`) beside the JavaScript, so the JavaScript figure
 * is the code that runs inference, nothing else:
 * - node, deno, bun: `server.mjs`, an HTTP server (`POST /predict`, `GET /health`), bundled
 *   for `--platform=node` (all three run it; a browser bundle fails there), reading the binary's
 *   bytes beside it;
 * - worker: `worker.js`, a Cloudflare Worker module importing the `.wasm` (workerd hands it over
 *   compiled: it compiles no WASM from bytes) and the model files as text/data modules, plus
 *   `config.capnp` for `workerd serve` and `wrangler.toml` for `wrangler deploy`;
 * - browser: `seqpipe.js`, an ES module (`load()` -> predict), the three tfjs binaries (threads
 *   when the page is cross-origin isolated), and a demo page under a CSP without `unsafe-eval`.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { FUSED_RNN_WASM_FILE } from '@seqpipe/backend';
import { SeqpipeError } from '@seqpipe/errors';
import {
  parseManifest,
  parseSeq2seqManifest,
  REQUIRED_FILES,
  SEQ2SEQ_FILES,
} from '@seqpipe/runtime';
import { artifactDirFor } from '../artifact-files.js';
import type { CliIo } from '../io.js';
import type { LoadedPipeline } from '../read-pipeline.js';
import { formatBytes } from './train.js';

export const BUNDLE_TARGETS = ['node', 'deno', 'bun', 'worker', 'browser'] as const;
export type BundleTarget = (typeof BUNDLE_TARGETS)[number];

export interface BundleFlags {
  readonly target?: string | undefined;
  readonly artifact?: string | undefined;
  /** Output root; each target goes to <out>/<target>/ (default dist/bundles/<name>). */
  readonly out?: string | undefined;
}

export interface BundledFile {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface BundleResult {
  readonly target: BundleTarget;
  readonly dir: string;
  /** The JavaScript that runs inference (server.mjs, worker.js or seqpipe.js). */
  readonly entry: BundledFile;
  readonly files: readonly BundledFile[];
}

const SIMD_WASM = 'tfjs-backend-wasm-simd.wasm';
const ALL_WASM = ['tfjs-backend-wasm.wasm', SIMD_WASM, 'tfjs-backend-wasm-threaded-simd.wasm'];
/** seqpipe's fused recurrent kernels: shipped as a file, not embedded in the JavaScript. */
const FUSED_WASM = FUSED_RNN_WASM_FILE;
const ENTRY: Record<BundleTarget, string> = {
  node: 'server.mjs',
  deno: 'server.mjs',
  bun: 'server.mjs',
  worker: 'worker.js',
  browser: 'seqpipe.js',
};

/** The Content-Security-Policy of the demo page: no `unsafe-eval`, only `wasm-unsafe-eval`. */
export const BROWSER_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; " +
  "connect-src 'self' blob:; style-src 'self'; object-src 'none'; base-uri 'none'";

export async function bundleCommand(
  loaded: LoadedPipeline,
  flags: BundleFlags,
  io: CliIo,
): Promise<BundleResult[]> {
  const targets = parseTargets(flags.target);
  const name = loaded.pipeline.name;
  const artifactDir = artifactDirFor(name, io.cwd, flags.artifact);
  const root = resolve(io.cwd, flags.out ?? join('dist', 'bundles', name));
  const results: BundleResult[] = [];
  for (const target of targets) {
    const result = await bundleArtifact(artifactDir, target, join(root, target));
    printResult(result, io);
    results.push(result);
  }
  return results;
}

function parseTargets(target: string | undefined): BundleTarget[] {
  if (target === 'all') return [...BUNDLE_TARGETS];
  if (target !== undefined && (BUNDLE_TARGETS as readonly string[]).includes(target)) {
    return [target as BundleTarget];
  }
  throw new SeqpipeError(
    'SEQPIPE_USAGE',
    `${target === undefined ? '`seqpipe bundle` needs --target' : `unknown bundle target "${target}"`}: one of ${BUNDLE_TARGETS.join(', ')} or all, e.g. \`seqpipe bundle pipelines/sentiment-rnn.json --target node\`.`,
  );
}

/** Builds one target from an artifact directory into `outDir` (replaced whole, atomically). */
export async function bundleArtifact(
  artifactDir: string,
  target: BundleTarget,
  outDir: string,
): Promise<BundleResult> {
  const manifestPath = join(artifactDir, 'manifest.json');
  let manifestText: string;
  try {
    manifestText = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_NOT_FOUND',
      `${manifestPath} does not exist: train the pipeline first (\`seqpipe train <pipeline.json>\`).`,
      { file: manifestPath, cause: error },
    );
  }
  const kind = artifactKind(manifestText, manifestPath);
  const modelFiles = ['manifest.json', ...(kind === 'seq2seq' ? SEQ2SEQ_FILES : REQUIRED_FILES)];

  const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'model'), { recursive: true });
  try {
    for (const file of modelFiles) {
      await cp(join(artifactDir, file), join(staging, 'model', file));
    }
    const wasmDir = dirname(
      wasmRequire().resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${SIMD_WASM}`),
    );
    for (const file of target === 'browser' ? ALL_WASM : [SIMD_WASM]) {
      await cp(join(wasmDir, file), join(staging, file));
    }
    await cp(FUSED_WASM_SOURCE, join(staging, FUSED_WASM));
    await buildEntry(target, entrySource(target, kind, modelFiles), join(staging, ENTRY[target]));
    for (const [file, text] of Object.entries(extraFiles(target, modelFiles))) {
      await writeFile(join(staging, file), text);
    }
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(outDir), { recursive: true });
    await rename(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const files = await measure(outDir, [
    ENTRY[target],
    ...Object.keys(extraFiles(target, modelFiles)),
    ...(target === 'browser' ? ALL_WASM : [SIMD_WASM]),
    FUSED_WASM,
    ...modelFiles.map((f) => `model/${f}`),
  ]);
  return { target, dir: outDir, entry: files[0] as BundledFile, files };
}

/** What an artifact serves: a classifier (`POST /predict`) or a seq2seq model (`POST /translate`). */
export type ArtifactKind = 'classifier' | 'seq2seq';

function artifactKind(manifestText: string, file: string): ArtifactKind {
  let doc: unknown;
  try {
    doc = JSON.parse(manifestText);
  } catch {
    parseManifest(manifestText, file); // throws SEQPIPE_ARTIFACT_INVALID naming the file
  }
  if ((doc as { task?: unknown } | null)?.task === 'seq2seq') {
    parseSeq2seqManifest(doc, file);
    return 'seq2seq';
  }
  parseManifest(doc, file);
  return 'classifier';
}

/** Resolves tfjs files the way @seqpipe/backend does (its dependency, not the CLI's). */
function wasmRequire(): NodeJS.Require {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('@seqpipe/backend/package.json'));
}

/** @seqpipe/backend's built fused-kernel binary (`csrc/fused_rnn.wasm`). */
const FUSED_WASM_SOURCE = join(
  dirname(createRequire(import.meta.url).resolve('@seqpipe/backend/package.json')),
  'csrc',
  'fused_rnn.wasm',
);

/**
 * The fused kernels' binary is a file beside the bundle (handed to `initBackend` as
 * `wasm.fusedRnn` or fetched from the `url` folder), so the JavaScript leaves out the base64
 * copy the npm package embeds; the sha256 stays, to check the file at load time.
 */
const fusedWasmAsFile: Plugin = {
  name: 'seqpipe-fused-wasm-as-file',
  setup(build) {
    build.onLoad({ filter: /[\\/]fused-rnn-wasm\.(ts|js)$/ }, async () => {
      const sha = createHash('sha256')
        .update(await readFile(FUSED_WASM_SOURCE))
        .digest('hex');
      return {
        contents: `export const FUSED_RNN_WASM_SHA256 = '${sha}';\nexport const FUSED_RNN_WASM_BASE64 = '';\n`,
        loader: 'js',
      };
    });
  },
};

/** Where esbuild resolves the entries' imports from: this package (it depends on runtime, backend). */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The cpu backend loads only when asked for (`{ type: 'cpu' }`): inference runs on WASM. Only
 * the package's main entry stays outside; the WASM kernels bundle its `dist/shared` helpers.
 */
const cpuBackendOnDemand: Plugin = {
  name: 'seqpipe-cpu-backend-on-demand',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-backend-cpu$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

/**
 * workerd has no FinalizationRegistry; tfjs code that registers cleanups at module scope gets a
 * no-op one (cleanup callbacks are best-effort by specification; tensors are disposed explicitly).
 */
const WORKER_BANNER =
  'globalThis.FinalizationRegistry??=class{register(){}unregister(){return false}};';

const NODE_BANNER =
  "import{createRequire as __seqpipeCreateRequire}from'node:module';" +
  "import{fileURLToPath as __seqpipeFileURLToPath}from'node:url';" +
  'const require=__seqpipeCreateRequire(import.meta.url);' +
  'const __filename=__seqpipeFileURLToPath(import.meta.url);' +
  "const __dirname=__seqpipeFileURLToPath(new URL('.',import.meta.url));";

async function buildEntry(target: BundleTarget, contents: string, outfile: string): Promise<void> {
  const esbuild = await import('esbuild');
  const nodeLike = target === 'node' || target === 'deno' || target === 'bun';
  try {
    await esbuild.build({
      stdin: { contents, resolveDir: PACKAGE_DIR, loader: 'js' },
      bundle: true,
      format: 'esm',
      minify: true,
      legalComments: 'none',
      target: 'es2022',
      platform: nodeLike ? 'node' : 'browser',
      conditions: ['@seqpipe/source', ...(target === 'worker' ? ['workerd', 'worker'] : [])],
      plugins: [cpuBackendOnDemand, fusedWasmAsFile],
      external: [
        ...(target === 'worker' ? ['./model/*', './*.wasm'] : []),
        // tfjs-core's Node platform requires node-fetch lazily, for tf.io over http only; the
        // runtime fetches with the platform's own fetch.
        ...(nodeLike ? ['node-fetch'] : []),
      ],
      // ES module builds first, so unused tfjs code is dropped on every platform.
      mainFields: ['module', 'main'],
      ...(nodeLike ? { banner: { js: NODE_BANNER } } : {}),
      ...(target === 'worker' ? { banner: { js: WORKER_BANNER } } : {}),
      outfile,
      logLevel: 'silent',
    });
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_BUNDLE_FAILED',
      `esbuild could not bundle the ${target} target: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The loader and the method each kind of artifact serves. */
const LOADER: Record<ArtifactKind, { load: string; method: 'predict' | 'translate' }> = {
  classifier: { load: 'loadArtifact', method: 'predict' },
  seq2seq: { load: 'loadTranslator', method: 'translate' },
};

function serverPrelude(kind: ArtifactKind): string {
  return `
import { readFile } from 'node:fs/promises';
import { formatBackendInfo, initBackend } from '@seqpipe/backend';
import { createPredictHandler, ${LOADER[kind].load} } from '@seqpipe/runtime';
const read = async (file) => new Uint8Array(await readFile(new URL(file, import.meta.url)));
const backend = await initBackend({
  type: 'wasm',
  threads: 1,
  wasm: { bytes: await read('./${SIMD_WASM}'), simd: true, fusedRnn: await read('./${FUSED_WASM}') },
});
const model = await ${LOADER[kind].load}((file) => read('./model/' + file), { backend: false });
const handler = createPredictHandler(model, { health: { backend } });
console.log(formatBackendInfo(backend));
`;
}

function entrySource(
  target: BundleTarget,
  kind: ArtifactKind,
  modelFiles: readonly string[],
): string {
  const { load, method } = LOADER[kind];
  switch (target) {
    case 'node':
      return `${serverPrelude(kind)}
import { serveNode } from '@seqpipe/runtime';
const server = await serveNode(handler, {
  port: Number(process.env.PORT ?? 8080),
  hostname: process.env.HOST ?? '127.0.0.1',
});
console.log('listening on ' + server.url);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close().then(() => process.exit(0)));
`;
    case 'deno':
      return `${serverPrelude(kind)}
const hostname = Deno.env.get('HOST') ?? '127.0.0.1';
Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8080),
    hostname,
    onListen: ({ port }) => console.log('listening on http://' + hostname + ':' + port),
  },
  handler,
);
`;
    case 'bun':
      return `${serverPrelude(kind)}
const hostname = process.env.HOST ?? '127.0.0.1';
const server = Bun.serve({ port: Number(process.env.PORT ?? 8080), hostname, fetch: handler });
console.log('listening on http://' + hostname + ':' + server.port);
`;
    case 'worker':
      return `
import wasm from './${SIMD_WASM}';
import fusedRnn from './${FUSED_WASM}';
${modelFiles.map((f, n) => `import file${n} from './model/${f}';`).join('\n')}
import { initBackend } from '@seqpipe/backend';
import { createPredictHandler, ${load} } from '@seqpipe/runtime';

async function start() {
  const backend = await initBackend({
    type: 'wasm',
    threads: 1,
    wasm: { module: wasm, simd: true, fusedRnn },
  });
  const files = {
${modelFiles
  .map((f, n) => `    '${f}': ${f.endsWith('.bin') ? `new Uint8Array(file${n})` : `file${n}`},`)
  .join('\n')}
  };
  const model = await ${load}({ files }, { backend: false });
  return createPredictHandler(model, { health: { backend } });
}

// Loaded on the first request: workerd allows no async work at the top level.
let ready;
export default {
  async fetch(request) {
    ready ??= start();
    let handler;
    try {
      handler = await ready;
    } catch (error) {
      ready = undefined;
      console.error(error);
      return Response.json(
        { error: { code: 'SEQPIPE_HTTP_INTERNAL', message: 'the model failed to load; see the log.' } },
        { status: 500 },
      );
    }
    return handler(request);
  },
};
`;
    case 'browser':
      return `
import { formatBackendInfo, initBackend } from '@seqpipe/backend';
import { ${load} } from '@seqpipe/runtime';

/**
 * Loads the bundled model (its \`${method}(texts)\` answers). base: the folder holding seqpipe.js, the .wasm files and model/
 * (default: where this module was served from). threads: 'auto' uses threads when the page
 * is cross-origin isolated (COOP/COEP), else one.
 */
export async function load({ base = new URL('./', import.meta.url), threads = 'auto' } = {}) {
  const backend = await initBackend({ type: 'wasm', threads, wasm: { url: base } });
  const model = await ${load}({ url: new URL('model/', base) }, { backend: false });
  return { backend, model, ${method}: (texts) => model.${method}(texts) };
}

export { formatBackendInfo };
`;
  }
}

function extraFiles(target: BundleTarget, modelFiles: readonly string[]): Record<string, string> {
  if (target === 'worker') {
    const module = (name: string, kind: string) =>
      `    (name = "${name}", ${kind} = embed "${name}"),`;
    return {
      'config.capnp': `# workerd serve config.capnp  (add --socket-addr http=127.0.0.1:8787 to move the socket)
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
${[
  module('worker.js', 'esModule'),
  module(SIMD_WASM, 'wasm'),
  module(FUSED_WASM, 'wasm'),
  ...modelFiles.map((f) => module(`model/${f}`, f.endsWith('.bin') ? 'data' : 'text')),
].join('\n')}
  ],
  compatibilityDate = "2025-01-01",
);
`,
      'wrangler.toml': `# wrangler deploy  (already bundled: wrangler uploads worker.js and the modules beside it)
name = "seqpipe-worker"
main = "worker.js"
compatibility_date = "2025-01-01"
no_bundle = true
find_additional_modules = true
rules = [
  { type = "CompiledWasm", globs = ["**/*.wasm"] },
  { type = "Text", globs = ["**/*.json"] },
  { type = "Data", globs = ["**/*.bin"] },
]
`,
    };
  }
  if (target === 'browser') {
    return {
      'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${BROWSER_CSP}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>seqpipe demo</title>
    <link rel="stylesheet" href="demo.css" />
    <script type="module" src="demo.js"></script>
  </head>
  <body>
    <h1 id="title">seqpipe</h1>
    <p id="backend">loading the model…</p>
    <form id="form">
      <textarea id="texts" rows="4">it was truly great
a complete waste of time</textarea>
      <button type="submit">Predict</button>
    </form>
    <table id="results"></table>
  </body>
</html>
`,
      'demo.css': `body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
textarea { width: 100%; }
td { padding: 0.2rem 0.6rem; }
`,
      'demo.js': `import { formatBackendInfo, load } from './seqpipe.js';

const ready = load();
const byId = (id) => document.getElementById(id);

// A classifier answers predict (label, confidence); a seq2seq model answers translate.
async function run(texts) {
  const api = await ready;
  return api.predict ? api.predict(texts) : api.translate(texts);
}

function cells(row) {
  return 'label' in row
    ? [row.text, row.label, row.confidence.toFixed(4)]
    : [row.text, row.translation, row.logProb.toFixed(4)];
}

async function show() {
  const texts = byId('texts').value.split('\\n').map((t) => t.trim()).filter(Boolean);
  const rows = await run(texts);
  byId('results').replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      for (const cell of cells(row)) {
        const td = document.createElement('td');
        td.textContent = cell;
        tr.append(td);
      }
      return tr;
    }),
  );
}

// For tests and the console: seqpipeDemo.run(['some text']).
globalThis.seqpipeDemo = {
  ready: ready.then(({ backend, model }) => ({
    backend,
    name: model.manifest.name,
    task: model.manifest.task,
    crossOriginIsolated,
  })),
  run,
};

ready.then(
  ({ backend, model }) => {
    byId('title').textContent = model.manifest.name;
    byId('backend').textContent = formatBackendInfo(backend);
    return show();
  },
  (error) => {
    byId('backend').textContent = 'failed to load: ' + error.message;
  },
);
byId('form').addEventListener('submit', (event) => {
  event.preventDefault();
  void show();
});
`,
    };
  }
  return {};
}

async function measure(dir: string, files: readonly string[]): Promise<BundledFile[]> {
  const out: BundledFile[] = [];
  for (const file of files) {
    const bytes = await readFile(join(dir, file));
    out.push({ file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
  }
  return out;
}

function printResult(result: BundleResult, io: CliIo): void {
  io.stdout.write(`bundle ${result.target} → ${relative(io.cwd, result.dir) || '.'}/\n`);
  const width = Math.max(...result.files.map((f) => f.file.length)) + 2;
  for (const f of result.files) {
    io.stdout.write(
      `  ${f.file.padEnd(width)} ${formatBytes(f.bytes).padStart(9)}  gzip ${formatBytes(f.gzipBytes).padStart(9)}\n`,
    );
  }
  io.stdout.write(
    `  JavaScript for inference: ${formatBytes(result.entry.gzipBytes)} gzip (${result.entry.file}; WASM and model aside)\n`,
  );
}
