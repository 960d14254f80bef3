import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedKernelCalls } from '@seqpipe/backend';
import { main } from '@seqpipe/cli';
import { loadArtifact } from '@seqpipe/runtime';
import { Tokenizer } from '@seqpipe/text';
import { captureIo } from '../tools/test-fixtures/capture-io.js';
import { tinyClassifierPipeline } from '../tools/test-fixtures/tiny-pipelines.js';

/** Recurrent kernel calls and token projections (an Embedding's ids read by the kernel) so far. */
const fusedCallCount = (): { recurrent: number; tokens: number } => {
  const calls = Object.entries(fusedKernelCalls());
  const sum = (pick: (fn: string) => boolean) =>
    calls.filter(([fn]) => pick(fn)).reduce((total, [, n]) => total + n, 0);
  return {
    recurrent: sum((fn) => !fn.startsWith('project_tokens')),
    tokens: sum((fn) => fn === 'project_tokens'),
  };
};

const pipeline = tinyClassifierPipeline({ name: 'tiny-sentiment', seed: 7, epochs: 8 });

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-e2e-'));
  await writeFile(join(dir, 'tiny.json'), JSON.stringify(pipeline, null, 2));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('seqpipe run', () => {
  it('trains on WASM, evaluates, writes the report and prints predictions', async () => {
    const io = captureIo(dir);
    const code = await main(['run', 'tiny.json'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toMatch(/backend: wasm \(SIMD on/);
    expect(out).toMatch(/epoch 8\/8/);
    expect(out).toMatch(/"a wonderful film"\s+→ (positive|negative)/);
    expect((await readdir(join(dir, 'artifacts', 'tiny-sentiment'))).sort()).toEqual([
      'manifest.json',
      'model.json',
      'tokenizer.json',
      'training.json',
      'weights.bin',
    ]);
    const metrics = JSON.parse(
      await readFile(join(dir, 'reports', 'tiny-sentiment', 'metrics.json'), 'utf8'),
    );
    expect(metrics.schemaVersion).toBe(1);
    const report = await readFile(join(dir, 'reports', 'tiny-sentiment', 'report.md'), 'utf8');
    expect(report).toContain('tiny-sentiment');
  });

  it('reloads the artifact in the runtime and in stock tf.loadLayersModel with identical predictions', async () => {
    const artifactDir = join(dir, 'artifacts', 'tiny-sentiment');
    const files = Object.fromEntries(
      await Promise.all(
        (await readdir(artifactDir)).map(
          async (f) => [f, new Uint8Array(await readFile(join(artifactDir, f)))] as const,
        ),
      ),
    );
    const classifier = await loadArtifact({ files });
    const texts = ['a wonderful film', 'truly awful acting', 'never seen words'];
    const before = tf.memory().numTensors;
    const calls = fusedCallCount();
    const fromRuntime = await classifier.scores(texts);
    expect(tf.memory().numTensors).toBe(before);
    // The runtime predicts with the fused recurrent kernel, stock tfjs with its per-step ops.
    // (Three short texts have fewer rows than the vocabulary: the kernel reads embeddings.)
    expect(fusedCallCount()).toEqual({ recurrent: calls.recurrent + 1, tokens: calls.tokens });

    // Stock tfjs, over HTTP, as a browser would load it.
    const server: Server = createServer(async (req, res) => {
      try {
        res.end(await readFile(join(artifactDir, (req.url ?? '/').slice(1))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const stock = await loadLayersModel(`http://127.0.0.1:${port}/model.json`);
      const tokenizer = Tokenizer.fromJSON(
        await readFile(join(artifactDir, 'tokenizer.json'), 'utf8'),
      );
      const ids = classifier.encode(texts);
      expect(tokenizer.textsToSequences(texts)[0]).toEqual(ids[0]!.filter((i) => i !== 0));
      const out = stock.predict(tf.tensor2d(ids, [ids.length, 6], 'int32')) as tf.Tensor;
      const fromStock = (await out.array()) as number[][];
      out.dispose();
      stock.dispose();
      expect(fromStock.length).toBe(fromRuntime.length);
      fromStock.forEach((row, i) => {
        row.forEach((score, j) => expect(score).toBeCloseTo(fromRuntime[i]![j]!, 5));
      });
    } finally {
      server.close();
      classifier.dispose();
    }
  });

  it('is reproducible: the same seed gives the same history', async () => {
    const first = await readFile(join(dir, 'artifacts', 'tiny-sentiment', 'training.json'), 'utf8');
    const io = captureIo(dir);
    expect(await main(['train', 'tiny.json', '--out', 'again'], io)).toBe(0);
    const second = await readFile(join(dir, 'again', 'training.json'), 'utf8');
    expect(JSON.parse(second).history).toEqual(JSON.parse(first).history);
  });
});

describe('seqpipe validate', () => {
  it('reports all three mistakes with their paths and exits 2', async () => {
    const broken = structuredClone(pipeline) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    broken['model'].layers[1].type = 'lstn';
    broken['train'].epoch = 5;
    broken['preprocess'].padding = 'middle';
    await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
    const io = captureIo(dir);
    expect(await main(['validate', 'broken.json'], io)).toBe(2);
    const err = io.err();
    expect(err).toContain('broken.json');
    expect(err).toMatch(/\/model\/layers\/1\/type.*did you mean "lstm"/);
    expect(err).toMatch(/\/train.*epoch.*did you mean "epochs"/);
    expect(err).toMatch(/\/preprocess\/padding/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names a missing pipeline file, exit 2', async () => {
    const io = captureIo(dir);
    expect(await main(['validate', 'nope.json'], io)).toBe(2);
    expect(io.err()).toMatch(/nope.json does not exist/);
  });
});
