import { parseArgs } from 'node:util';
import { SeqpipeError, formatIssue, isSeqpipeError } from '@seqpipe/errors';
import { artifactDirFor } from './artifact-files.js';
import { compareCommand } from './commands/compare.js';
import { bundleCommand } from './commands/bundle.js';
import { evaluateCommand } from './commands/evaluate.js';
import { predictTexts } from './commands/predict.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { seq2seqDispatch } from './commands/seq2seq.js';
import { runTraining, withDataDir } from './commands/train.js';
import { validateCommand } from './commands/validate.js';
import type { CliIo } from './io.js';
import { readPipeline } from './read-pipeline.js';

export const USAGE = `seqpipe: declarative text-model pipelines on TensorFlow.js (WASM)

Usage: seqpipe <command> [options]

Commands:
  validate <pipeline.json>                   check a pipeline; lists every problem with its path
  train    <pipeline.json> [--out <dir>]     train and write the artifact (default artifacts/<name>/)
           [--resume] [--data-dir <dir>]     continue the last checkpoint; read data paths from <dir>
  evaluate <pipeline.json> [--artifact <dir>] [--out <dir>]
                                             metrics on the held-out splits → reports/<name>/metrics.json
  report   <pipeline.json> [--out <dir>]     write reports/<name>/report.html and report.md from the evaluation
  compare  <run> <run> [run...] [--out <dir>]
                                             several runs on one page → reports/compare/compare.html;
                                             a run is a report dir, a metrics.json or an artifact dir
  predict  <pipeline.json> [text...]         predict texts (default: the pipeline's evaluate.examples)
  predict  --artifact <dir> <text...>        predict with any artifact, no pipeline needed
  run      <pipeline.json>                   train, evaluate, report, then predict the examples
  bundle   <pipeline.json> --target <t> [--artifact <dir>] [--out <dir>]
                                             deployable bundle → dist/bundles/<name>/<t>/;
                                             t: node, deno, bun, worker, browser or all

Options:
  --artifact <dir>   artifact directory (default artifacts/<name>)
  --strategy <s>     seq2seq predict/evaluate: greedy or beam (default: the pipeline's model.decode)
  --beam-width <n>   seq2seq: hypotheses kept by beam search
  --out <dir>        output directory of train/evaluate/report
  --data-dir <dir>   folder the pipeline's relative data paths resolve against (train, evaluate, run)
  --resume           train: continue from the latest checkpoint (artifacts/.checkpoints/<name>/)
  -h, --help         this help
  -v, --version      print the version

Exit codes: 0 success, 1 failure (data, training, artifact), 2 invalid pipeline or usage.
`;

const VERSION = '0.1.0';

/** Runs the CLI; returns the exit code. Never throws: every error becomes a message. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        artifact: { type: 'string' },
        strategy: { type: 'string' },
        'beam-width': { type: 'string' },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
        resume: { type: 'boolean' },
        target: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      `${(error as Error).message}. Run \`seqpipe --help\` for the options.`,
    );
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    io.stdout.write(`seqpipe ${VERSION}\n`);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const needPipeline = (): string => {
    const file = rest[0];
    if (file === undefined) {
      throw new SeqpipeError(
        'SEQPIPE_USAGE',
        `\`seqpipe ${command}\` needs a pipeline file, e.g. \`seqpipe ${command} pipelines/sentiment-rnn.json\`.`,
      );
    }
    return file;
  };
  const seq2seq = await seq2seqDispatch(command, rest, values, needPipeline, io);
  if (seq2seq !== undefined) return seq2seq;
  switch (command) {
    case 'validate':
      return validateCommand(needPipeline(), io);
    case 'train':
      await runTraining(
        await readPipeline(needPipeline(), io.cwd),
        { out: values.out, resume: values.resume, dataDir: values['data-dir'] },
        io,
      );
      return 0;
    case 'evaluate':
      await evaluateCommand(
        withDataDir(await readPipeline(needPipeline(), io.cwd), values['data-dir'], io.cwd),
        { artifact: values.artifact, out: values.out },
        io,
      );
      return 0;
    case 'report':
      await reportCommand(
        await readPipeline(needPipeline(), io.cwd),
        { artifact: values.artifact, out: values.out },
        io,
      );
      return 0;
    case 'predict': {
      if (values.artifact !== undefined) {
        await predictTexts(values.artifact, rest, io);
        return 0;
      }
      const loaded = await readPipeline(needPipeline(), io.cwd);
      const texts = rest.length > 1 ? rest.slice(1) : loaded.pipeline.evaluate.examples;
      await predictTexts(artifactDirFor(loaded.pipeline.name, io.cwd), texts, io);
      return 0;
    }
    case 'bundle':
      await bundleCommand(
        await readPipeline(needPipeline(), io.cwd),
        { target: values.target, artifact: values.artifact, out: values.out },
        io,
      );
      return 0;
    case 'compare':
      await compareCommand(rest, { out: values.out }, io);
      return 0;
    case 'run':
      await runCommand(
        withDataDir(await readPipeline(needPipeline(), io.cwd), values['data-dir'], io.cwd),
        io,
      );
      return 0;
    default:
      throw new SeqpipeError(
        'SEQPIPE_USAGE',
        `unknown command "${command}". Commands: validate, train, evaluate, report, compare, predict, run, bundle (see \`seqpipe --help\`).`,
      );
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (isSeqpipeError(error)) {
    const where =
      error.file !== undefined && !error.message.includes(error.file) ? `${error.file}: ` : '';
    // Messages of errors with issues may list them already: print the headline, then each issue once.
    const headline = error.issues.length > 0 ? (error.message.split('\n')[0] ?? '') : error.message;
    io.stderr.write(`error ${error.code}: ${where}${headline}\n`);
    for (const issue of error.issues) io.stderr.write(`  - ${formatIssue(issue)}\n`);
    return error.code.startsWith('SEQPIPE_SPEC') || error.code === 'SEQPIPE_USAGE' ? 2 : 1;
  }
  const debug = process.env['SEQPIPE_DEBUG'] === '1';
  io.stderr.write(
    `internal error: ${(error as Error)?.message ?? String(error)}\n` +
      (debug
        ? `${(error as Error)?.stack ?? ''}\n`
        : 'This is a bug in seqpipe; rerun with SEQPIPE_DEBUG=1 for the stack trace and report it.\n'),
  );
  return 70;
}
