import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { SeqpipeError } from '@seqpipe/errors';
import {
  renderCompareHtml,
  renderCompareMarkdown,
  type CompareRun,
  type ReportInput,
} from '@seqpipe/eval';
import { writeFileAtomic } from '@seqpipe/train';
import { reportDirFor } from '../artifact-files.js';
import type { CliIo } from '../io.js';
import { readReportInput } from './report.js';

export interface CompareFlags {
  readonly out?: string | undefined;
}

/**
 * `seqpipe compare <run...>`: several runs on one page. Each run is a report directory (with
 * `metrics.json`), a `metrics.json` file, or an artifact directory (its evaluation is read from
 * `reports/<name>/metrics.json`). Writes `compare.html` and `compare.md` to `--out`
 * (default `reports/compare/`) and returns the path of `compare.html`.
 */
export async function compareCommand(
  paths: readonly string[],
  flags: CompareFlags,
  io: CliIo,
): Promise<string> {
  if (paths.length < 2) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      '`seqpipe compare` needs at least two runs, e.g. `seqpipe compare reports/sentiment-rnn reports/sentiment-lstm reports/sentiment-gru`.',
    );
  }
  const runs: Array<{ path: string; input: ReportInput }> = [];
  for (const path of paths) {
    runs.push({ path, input: await readReportInput(await metricsFileOf(path, io.cwd), io.cwd) });
  }
  const named = uniqueNames(runs);
  const dir = reportDirFor('compare', io.cwd, flags.out);
  const html = join(dir, 'compare.html');
  const markdown = join(dir, 'compare.md');
  await writeFileAtomic(html, await renderCompareHtml(named));
  await writeFileAtomic(markdown, renderCompareMarkdown(named));
  io.stdout.write(
    `compared ${named.map((r) => r.name).join(', ')}: ${relative(io.cwd, html)} and ${relative(io.cwd, markdown)}\n`,
  );
  return html;
}

/** The `metrics.json` a command-line argument stands for. */
async function metricsFileOf(path: string, cwd: string): Promise<string> {
  const absolute = resolve(cwd, path);
  const kind = await stat(absolute).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => 'missing' as const,
  );
  if (kind === 'missing') {
    throw new SeqpipeError(
      'SEQPIPE_EVAL_INVALID',
      `${path} does not exist: pass report directories (reports/<name>), metrics.json files or artifact directories.`,
      { file: path },
    );
  }
  if (kind === 'file') return absolute;
  const metrics = join(absolute, 'metrics.json');
  if (await exists(metrics)) return metrics;
  const manifestFile = join(absolute, 'manifest.json');
  if (await exists(manifestFile)) {
    const name = await artifactName(manifestFile, cwd);
    const evaluated = reportDirFor(name, cwd);
    const file = join(evaluated, 'metrics.json');
    if (await exists(file)) return file;
    throw new SeqpipeError(
      'SEQPIPE_EVAL_INVALID',
      `${path} is an artifact of "${name}" without an evaluation: ${relative(cwd, file)} does not exist. Run \`seqpipe evaluate <pipeline.json>\` first, or pass the report directory it wrote.`,
      { file: relative(cwd, file) },
    );
  }
  throw new SeqpipeError(
    'SEQPIPE_EVAL_INVALID',
    `${path} holds neither metrics.json nor an artifact's manifest.json: pass a report directory (reports/<name>) or an artifact directory (artifacts/<name>).`,
    { file: path },
  );
}

async function artifactName(manifestFile: string, cwd: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { name?: unknown };
    if (typeof manifest.name === 'string' && manifest.name !== '') return manifest.name;
    throw new Error('it has no "name"');
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `cannot read the pipeline name from ${relative(cwd, manifestFile)}: ${(error as Error).message}. Retrain the pipeline to re-create the artifact.`,
      { file: relative(cwd, manifestFile), cause: error },
    );
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Pipeline names as legend entries; a name used by several runs gets the run's folder name. */
function uniqueNames(runs: ReadonlyArray<{ path: string; input: ReportInput }>): CompareRun[] {
  const counts = new Map<string, number>();
  for (const run of runs)
    counts.set(run.input.pipeline.name, (counts.get(run.input.pipeline.name) ?? 0) + 1);
  const used = new Set<string>();
  return runs.map(({ path, input }, index) => {
    const base = input.pipeline.name;
    const folder = basename(path.endsWith('.json') ? dirname(resolve(path)) : resolve(path));
    let name = (counts.get(base) ?? 0) > 1 ? `${base} (${folder})` : base;
    for (let n = index + 1; used.has(name); n++) name = `${base} #${n}`;
    used.add(name);
    return { name, input };
  });
}
