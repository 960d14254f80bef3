/**
 * Trains a pipeline with several seeds and prints the final validation figures of each, with
 * their mean: `npm run sweep -- pipelines/sentiment-rnn.json [--seeds 5] [--threads 1]`.
 * Artifacts go to a temporary directory; nothing in the repository changes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBackendInfo } from '@seqpipe/backend';
import { loadPipeline } from '@seqpipe/spec';
import { trainPipeline } from '@seqpipe/train';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string', default: '5' }, threads: { type: 'string' } },
});
const file = positionals[0] ?? 'pipelines/sentiment-rnn.json';
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> & {
  backend?: object;
};
if (values.threads !== undefined) doc.backend = { ...doc.backend, threads: Number(values.threads) };
const out = await mkdtemp(join(tmpdir(), 'seqpipe-sweep-'));
const rows: Array<{ seed: number; accuracy: number; loss: number; seconds: number }> = [];
try {
  for (const seed of seeds) {
    const pipeline = loadPipeline(JSON.stringify({ ...doc, seed }), file);
    const result = await trainPipeline(pipeline, {
      baseDir: dirname(file),
      file,
      artifactDir: join(out, String(seed)),
    });
    if (seed === seeds[0]) console.log(formatBackendInfo(result.backend));
    const h = result.record.history;
    const row = {
      seed,
      accuracy: h['valAccuracy']?.at(-1) ?? NaN,
      loss: h['valLoss']?.at(-1) ?? NaN,
      seconds: result.seconds,
    };
    rows.push(row);
    console.log(
      `seed ${seed}: val accuracy ${row.accuracy.toFixed(4)} · val loss ${row.loss.toFixed(4)} · ${row.seconds.toFixed(2)}s`,
    );
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
const mean = (k: 'accuracy' | 'loss' | 'seconds') =>
  rows.reduce((s, r) => s + r[k], 0) / rows.length;
const accs = rows.map((r) => r.accuracy);
console.log(
  `${file}: val accuracy mean ${mean('accuracy').toFixed(4)} (min ${Math.min(...accs).toFixed(4)}, max ${Math.max(...accs).toFixed(4)}) over ${rows.length} seeds · ${mean('seconds').toFixed(2)}s per run`,
);
