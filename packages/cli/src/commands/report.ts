import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SeqpipeError } from '@seqpipe/errors';
import {
  parseMetricsDocument,
  renderHtmlReport,
  renderMarkdownReport,
  reportInputFromMetricsDocument,
  type ReportInput,
} from '@seqpipe/eval';
import { writeFileAtomic } from '@seqpipe/train';
import { reportDirFor } from '../artifact-files.js';
import type { CliIo } from '../io.js';
import type { LoadedPipeline } from '../read-pipeline.js';

export interface ReportFlags {
  readonly artifact?: string | undefined;
  readonly out?: string | undefined;
}

/**
 * Renders `report.html` and `report.md` from `metrics.json` (written by `evaluate`), or from a
 * fresh evaluation. Returns the path of `report.html`.
 */
export async function reportCommand(
  loaded: LoadedPipeline,
  flags: ReportFlags,
  io: CliIo,
  evaluated?: ReportInput,
): Promise<string> {
  const dir = reportDirFor(loaded.pipeline.name, io.cwd, flags.out);
  const input = evaluated ?? (await readReportInput(join(dir, 'metrics.json'), io.cwd));
  const html = join(dir, 'report.html');
  const markdown = join(dir, 'report.md');
  await writeFileAtomic(html, await renderHtmlReport(input));
  await writeFileAtomic(markdown, renderMarkdownReport(input));
  io.stdout.write(
    `report written to ${relative(io.cwd, html)} and ${relative(io.cwd, markdown)}\n`,
  );
  return html;
}

/**
 * Reads and checks a `metrics.json`. A missing file or one that is not a metrics document is a
 * `SEQPIPE_EVAL_INVALID` error naming the file and what is wrong with it.
 */
export async function readReportInput(file: string, cwd: string): Promise<ReportInput> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SeqpipeError(
      'SEQPIPE_EVAL_INVALID',
      missing
        ? `${relative(cwd, file)} does not exist: run \`seqpipe evaluate <pipeline.json>\` (or \`nx run <pipeline>:report\`, which does) first.`
        : `cannot read ${relative(cwd, file)}: ${(error as Error).message}`,
      { file: relative(cwd, file), cause: error },
    );
  }
  return reportInputFromMetricsDocument(parseMetricsDocument(json, relative(cwd, file)));
}
