/**
 * `npm run bench:accuracy`: pipelines/spam-lstm.json trained by seqpipe (tfjs, WASM) and the
 * same model in PyTorch on the same split, test accuracy side by side.
 *
 * 1. seqpipe loads and splits the data (the pipeline seed), fits the tokenizer and exports
 *    the padded token ids of train/validation/test to a JSON file both sides read;
 * 2. `seqpipe train` + `seqpipe evaluate` (exactly what `seqpipe run` does) give the TS figures;
 * 3. tools/accuracy/torch_spam.py trains the PyTorch peer (Debian python3-torch) on that file;
 *    skipped with a notice when `python3 -c "import torch"` fails.
 * Prints a table and writes bench/results/accuracy-spam.json.
 *
 * Options: --epochs <n> (both sides; default the pipeline's), --no-torch, --pipeline <file>.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { main } from '@seqpipe/cli';
import { loadExamples } from '@seqpipe/data';
import { loadPipeline, type Pipeline } from '@seqpipe/spec';
import { padSequences } from '@seqpipe/text';
import { prepareData } from '@seqpipe/train';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = process.env['SEQPIPE_BENCH_PYTHON'] ?? '/usr/bin/python3';

interface Scores {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

const { values } = parseArgs({
  options: {
    pipeline: { type: 'string', default: 'pipelines/spam-lstm.json' },
    epochs: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
  },
});

const file = resolve(root, values.pipeline);
const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> & {
  train: Record<string, unknown>;
};
if (values.epochs !== undefined) raw.train = { ...raw.train, epochs: Number(values.epochs) };
const work = await mkdtemp(join(tmpdir(), 'seqpipe-accuracy-'));
try {
  // The pipeline copy sits next to the original so its relative paths still resolve.
  const copy = join(dirname(file), `.accuracy-${process.pid}.json`);
  await writeFile(copy, JSON.stringify(raw));
  let pipeline: Pipeline;
  try {
    pipeline = loadPipeline(JSON.stringify(raw), values.pipeline);
    const split = await exportSplit(pipeline, dirname(file), join(work, 'split.json'));
    console.log(
      `split: train ${split.train} · validation ${split.validation} · test ${split.test} (seed ${pipeline.seed}) → ${join(work, 'split.json')}`,
    );
    const ts = await trainSeqpipe(copy, work);
    const torch = values['no-torch'] ? undefined : trainTorch(join(work, 'split.json'));
    await report(pipeline, ts, torch);
  } finally {
    await rm(copy, { force: true });
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

async function exportSplit(pipeline: Pipeline, baseDir: string, out: string) {
  const examples = await loadExamples(pipeline.data, { baseDir });
  const data = prepareData(pipeline, examples);
  const { maxLen, padding, truncating } = pipeline.preprocess;
  const encode = (split: typeof data.splits.train) => ({
    x: padSequences(data.tokenizer.textsToSequences(split.map((e) => e.input)), {
      maxLen,
      padding,
      truncating,
    }),
    y: split.map((e) => data.classes.indexOf(e.target)),
  });
  const layers = pipeline.model.type === 'classifier' ? pipeline.model.layers : [];
  const embedding = layers.find((l) => l.type === 'embedding');
  const lstm = layers.find((l) => l.type === 'lstm');
  await writeFile(
    out,
    JSON.stringify({
      seed: pipeline.seed,
      vocabSize: data.vocabSize,
      embedding: embedding?.type === 'embedding' ? embedding.outputDim : 32,
      units: lstm?.type === 'lstm' ? lstm.units : 32,
      learningRate: pipeline.train.optimizer.learningRate,
      epochs: pipeline.train.epochs,
      batchSize: pipeline.train.batchSize,
      train: encode(data.splits.train),
      validation: encode(data.splits.validation),
      test: encode(data.splits.test),
    }),
  );
  return {
    train: data.splits.train.length,
    validation: data.splits.validation.length,
    test: data.splits.test.length,
  };
}

async function trainSeqpipe(pipelineFile: string, work: string) {
  const io = {
    cwd: root,
    stdout: process.stdout,
    stderr: process.stderr,
  };
  const artifact = join(work, 'artifact');
  const reports = join(work, 'reports');
  await mkdir(reports, { recursive: true });
  if ((await main(['train', pipelineFile, '--out', artifact], io)) !== 0)
    throw new Error('seqpipe train failed');
  if ((await main(['evaluate', pipelineFile, '--artifact', artifact, '--out', reports], io)) !== 0)
    throw new Error('seqpipe evaluate failed');
  const metrics = JSON.parse(await readFile(join(reports, 'metrics.json'), 'utf8')) as {
    splits: { test?: Scores };
  };
  const manifest = JSON.parse(await readFile(join(artifact, 'manifest.json'), 'utf8')) as {
    training: { seconds: number; epochs: number };
    backend: { backend: string; threads: number };
  };
  if (metrics.splits.test === undefined) throw new Error('the pipeline has no test split');
  return {
    test: metrics.splits.test,
    seconds: manifest.training.seconds,
    backend: manifest.backend,
  };
}

function trainTorch(
  splitFile: string,
): { test: Scores; seconds: number; torch: string } | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(
      `notice: PyTorch skipped: ${PYTHON} cannot import torch (install Debian python3-torch and libopenblas0-pthread).`,
    );
    return undefined;
  }
  console.log('training the PyTorch peer…');
  const run = spawnSync(PYTHON, [join(root, 'tools', 'accuracy', 'torch_spam.py'), splitFile], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`torch_spam.py failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
    test: Scores;
    seconds: number;
    torch: string;
  };
}

async function report(
  pipeline: Pipeline,
  ts: Awaited<ReturnType<typeof trainSeqpipe>>,
  torch: ReturnType<typeof trainTorch>,
): Promise<void> {
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const rows = [
    [`seqpipe (tfjs ${ts.backend.backend}, ${ts.backend.threads} thread)`, ts.test, ts.seconds],
    ...(torch ? [[`PyTorch ${torch.torch} (CPU)`, torch.test, torch.seconds] as const] : []),
  ] as const;
  console.log(
    `\n${pipeline.name}: test split, spam = positive class, ${pipeline.train.epochs} epochs\n`,
  );
  console.log('| system | test accuracy | spam precision | spam recall | spam F1 | train s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, s, seconds] of rows)
    console.log(
      `| ${name} | ${pct(s.accuracy)} | ${pct(s.precision)} | ${pct(s.recall)} | ${s.f1.toFixed(4)} | ${seconds.toFixed(1)} |`,
    );
  const out = join(root, 'bench', 'results', 'accuracy-spam.json');
  await mkdir(dirname(out), { recursive: true });
  const result = {
    pipeline: pipeline.name,
    epochs: pipeline.train.epochs,
    date: new Date().toISOString(),
    seqpipe: ts,
    pytorch: torch ?? null,
  };
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${out}`);
}
