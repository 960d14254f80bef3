import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SeqpipeError } from '@seqpipe/errors';
import {
  parseMetricsDocument,
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

/** Renders `report.md` from `metrics.json` (written by `evaluate`), or from a fresh evaluation. */
export async function reportCommand(
  loaded: LoadedPipeline,
  flags: ReportFlags,
  io: CliIo,
  evaluated?: ReportInput,
): Promise<string> {
  const dir = reportDirFor(loaded.pipeline.name, io.cwd, flags.out);
  const input = evaluated ?? (await readReportInput(join(dir, 'metrics.json'), io));
  const out = join(dir, 'report.md');
  await writeFileAtomic(out, renderMarkdownReport(input));
  io.stdout.write(`report written to ${relative(io.cwd, out)}\n`);
  return out;
}

async function readReportInput(file: string, io: CliIo): Promise<ReportInput> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_EVAL_INVALID',
      `${relative(io.cwd, file)} does not exist: run \`seqpipe evaluate <pipeline.json>\` (or \`nx run <pipeline>:report\`, which does) first.`,
      { file, cause: error },
    );
  }
  return reportInputFromMetricsDocument(parseMetricsDocument(json, file));
}
