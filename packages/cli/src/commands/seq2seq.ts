import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadExamples, type Example } from '@seqpipe/data';
import { SeqpipeError } from '@seqpipe/errors';
import {
  editDistance,
  renderHtmlReport,
  renderSeq2seqMarkdown,
  reportInputFromSeq2seqEvaluation,
  sequenceMetrics,
  type Seq2seqRecord,
  type Seq2seqEvaluation,
  type SequenceMetrics,
  type TranslationSample,
} from '@seqpipe/eval';
import { loadTranslator, type TranslateOptions, type Translator } from '@seqpipe/runtime';
import {
  canonicalHash,
  prepareSeq2seqData,
  trainSeq2seqPipeline,
  writeFileAtomic,
  type Seq2seqTrainingRecord,
} from '@seqpipe/train';
import { artifactDirFor, directoryReader, reportDirFor } from '../artifact-files.js';
import type { CliIo } from '../io.js';
import { readPipeline, type LoadedPipeline } from '../read-pipeline.js';
import { checkpointDirFor, formatBytes } from './train.js';

/** Rows of the report's sample table. */
const SAMPLE_ROWS = 20;

/** True when the artifact directory holds a seq2seq artifact (its manifest says task seq2seq). */
export async function isSeq2seqArtifact(dir: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      task?: unknown;
    };
    return manifest.task === 'seq2seq';
  } catch {
    return false; // the classification path reports a missing or broken artifact
  }
}

export async function trainSeq2seqCommand(
  loaded: LoadedPipeline,
  flags: { readonly out?: string | undefined; readonly resume?: boolean | undefined },
  io: CliIo,
): Promise<void> {
  const artifactDir = artifactDirFor(loaded.pipeline.name, io.cwd, flags.out);
  const result = await trainSeq2seqPipeline(loaded.pipeline, {
    baseDir: loaded.baseDir,
    file: loaded.file,
    artifactDir,
    checkpointDir: checkpointDirFor(artifactDir),
    ...(flags.resume === true ? { resume: true } : {}),
    progress: io.stdout,
    log: (line) => io.stdout.write(`${line}\n`),
  });
  const files = Object.entries(result.manifest.files)
    .map(([name, d]) => `${name} ${formatBytes(d.bytes)}`)
    .join(', ');
  io.stdout.write(
    `trained in ${result.seconds.toFixed(1)}s · artifact ${relative(io.cwd, artifactDir) || '.'}/ (manifest.json, ${files})\n`,
  );
}

export async function openTranslator(dir: string): Promise<Translator> {
  return loadTranslator(directoryReader(dir));
}

/** `seqpipe predict` for a seq2seq artifact: one line per source with its translation. */
export async function translateTexts(
  dir: string,
  texts: readonly string[],
  io: CliIo,
  options: TranslateOptions = {},
): Promise<void> {
  if (texts.length === 0) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      'nothing to translate: pass texts (seqpipe predict --artifact <dir> "some text") or a pipeline with evaluate.examples.',
    );
  }
  const translator = await openTranslator(dir);
  try {
    const translations = await translator.translate(texts, options);
    const width = Math.min(48, Math.max(...texts.map((t) => JSON.stringify(t).length)) + 2);
    io.stdout.write('translations:\n');
    for (const t of translations) {
      io.stdout.write(
        `  ${JSON.stringify(t.text).padEnd(width)} → ${JSON.stringify(t.translation)}  (log p ${t.logProb.toFixed(3)}${t.finished ? '' : ', cut at maxLength'})\n`,
      );
    }
  } finally {
    translator.dispose();
  }
}

async function readRecord(dir: string): Promise<Seq2seqTrainingRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'training.json'), 'utf8')) as Seq2seqTrainingRecord;
  } catch {
    return undefined;
  }
}

/**
 * `seqpipe evaluate|report` for seq2seq: re-creates the held-out splits (same data, same seed),
 * translates them with the artifact, and writes metrics.json (with every held-out pair under
 * `records`), report.md and report.html.
 */
export async function evaluateSeq2seqCommand(
  loaded: LoadedPipeline,
  flags: { readonly artifact?: string | undefined; readonly out?: string | undefined },
  io: CliIo,
  options: TranslateOptions = {},
): Promise<Seq2seqEvaluation> {
  const { pipeline } = loaded;
  const artifactDir = artifactDirFor(pipeline.name, io.cwd, flags.artifact);
  const translator = await openTranslator(artifactDir);
  try {
    if (translator.manifest.pipelineHash !== canonicalHash(pipeline)) {
      io.stderr.write(
        `warning: ${relative(io.cwd, artifactDir)} was trained from a different version of ${loaded.file}; retrain for figures that match the file.\n`,
      );
    }
    const examples = await loadExamples(pipeline.data, {
      baseDir: loaded.baseDir,
      file: loaded.file,
    });
    const data = prepareSeq2seqData(pipeline, examples);
    const started = performance.now();
    const samples: TranslationSample[] = [];
    const records: { validation?: Seq2seqRecord[]; test?: Seq2seqRecord[] } = {};
    const score = async (
      split: readonly Example[],
      name: 'validation' | 'test',
    ): Promise<SequenceMetrics | undefined> => {
      if (split.length === 0) return undefined;
      const translations = await translator.translate(
        split.map((e) => e.input),
        options,
      );
      const referenceTexts = split.map((e) => String(e.target));
      if (samples.length === 0) {
        translations.slice(0, SAMPLE_ROWS).forEach((t, i) =>
          samples.push({
            source: t.text,
            reference: referenceTexts[i],
            prediction: t.translation,
          }),
        );
      }
      const references = referenceTexts.map((text) => translator.target.tokenize(text));
      const detokenized = referenceTexts.map((text) => detokenize(translator, text));
      // every pair, for the report's error rate by source length and its diff table
      records[name] = translations.map((t, i) => {
        const reference = references[i] ?? [];
        return {
          source: t.text,
          reference: detokenized[i] ?? '',
          prediction: t.translation,
          edits: editDistance(reference, [...t.tokens]),
          referenceTokens: reference.length,
        };
      });
      return sequenceMetrics({
        references,
        predictions: translations.map((t) => [...t.tokens]),
        referenceTexts: detokenized,
        predictionTexts: translations.map((t) => t.translation),
      });
    };
    // test first: its pairs fill the sample table when there is a test split
    const test = await score(data.splits.test, 'test');
    const validation = await score(data.splits.validation, 'validation');
    const exampleTranslations = await translator.translate(pipeline.evaluate.examples, options);
    const seconds = (performance.now() - started) / 1000;
    const record = await readRecord(artifactDir);
    const { manifest } = translator;
    const evaluation: Seq2seqEvaluation = {
      schemaVersion: 1,
      task: 'seq2seq',
      pipeline: { name: pipeline.name, description: pipeline.description },
      decode: {
        strategy: options.strategy ?? manifest.seq2seq.decode.strategy,
        beamWidth: options.beamWidth ?? manifest.seq2seq.decode.beamWidth,
        maxLength: options.maxLength ?? manifest.seq2seq.decode.maxLength,
      },
      splits: {
        ...(validation !== undefined ? { validation } : {}),
        ...(test !== undefined ? { test } : {}),
      },
      training: {
        seconds: manifest.training.seconds,
        epochs: manifest.training.epochs,
        trainSize: manifest.training.trainSize,
        totalParams: record?.model.totalParams,
        backend: `${manifest.backend.backend}${manifest.backend.simd ? ' SIMD' : ''}, ${manifest.backend.threads} thread(s)`,
        history: record?.history,
      },
      samples,
      examples: exampleTranslations.map((t) => ({ source: t.text, prediction: t.translation })),
      seconds,
      records,
      ...(record !== undefined
        ? {
            model: record.model,
            data: {
              validation: record.data.validation,
              test: record.data.test,
              inputVocabularySize: record.data.inputVocabularySize,
              targetVocabularySize: record.data.targetVocabularySize,
              inputLength: record.data.inputLength,
              targetLength: record.data.targetLength,
            },
          }
        : {}),
      seed: manifest.training.seed,
    };
    const reportDir = reportDirFor(pipeline.name, io.cwd, flags.out);
    await writeFileAtomic(
      join(reportDir, 'metrics.json'),
      `${JSON.stringify(evaluation, null, 2)}\n`,
    );
    await writeFileAtomic(join(reportDir, 'report.md'), renderSeq2seqMarkdown(evaluation));
    await writeFileAtomic(
      join(reportDir, 'report.html'),
      await renderHtmlReport(reportInputFromSeq2seqEvaluation(evaluation)),
    );
    for (const [name, m] of Object.entries(evaluation.splits)) {
      io.stdout.write(
        `${name}: ${m.count} pairs · exact ${(100 * m.exactMatch).toFixed(2)}% · token accuracy ${(100 * m.tokenAccuracy).toFixed(2)}% · token error rate ${(100 * m.tokenErrorRate).toFixed(2)}% · WER ${(100 * m.wordErrorRate).toFixed(2)}% · BLEU ${(100 * m.bleu).toFixed(2)}\n`,
      );
    }
    io.stdout.write(
      `evaluated in ${seconds.toFixed(1)}s → ${relative(io.cwd, reportDir)}/metrics.json, report.md, report.html\n`,
    );
    return evaluation;
  } finally {
    translator.dispose();
  }
}

/** A reference as the decoder would write it (tokens re-joined), so WER/BLEU compare like with like. */
function detokenize(translator: Translator, text: string): string {
  return translator.target.tokenize(text).join(translator.target.type === 'chars' ? '' : ' ');
}

/** `seqpipe run` for seq2seq: train, evaluate (metrics.json + report.md), translate the examples. */
export async function runSeq2seqCommand(loaded: LoadedPipeline, io: CliIo): Promise<void> {
  await trainSeq2seqCommand(loaded, {}, io);
  await evaluateSeq2seqCommand(loaded, {}, io);
  if (loaded.pipeline.evaluate.examples.length > 0) {
    await translateTexts(
      artifactDirFor(loaded.pipeline.name, io.cwd),
      loaded.pipeline.evaluate.examples,
      io,
    );
  }
}

/** Flags the seq2seq commands read. */
export interface Seq2seqFlags {
  readonly artifact?: string | undefined;
  readonly out?: string | undefined;
  /** train: continue the latest checkpoint. */
  readonly resume?: boolean | undefined;
  readonly strategy?: string | undefined;
  readonly 'beam-width'?: string | undefined;
}

function translateOptions(flags: Seq2seqFlags): TranslateOptions {
  const strategy = flags.strategy;
  if (strategy !== undefined && strategy !== 'greedy' && strategy !== 'beam') {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      `--strategy must be greedy or beam, got "${strategy}".`,
    );
  }
  const width = flags['beam-width'];
  const beamWidth = width === undefined ? undefined : Number(width);
  if (beamWidth !== undefined && (!Number.isInteger(beamWidth) || beamWidth < 1)) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      `--beam-width must be an integer >= 1, got "${width}".`,
    );
  }
  return {
    ...(strategy !== undefined ? { strategy } : {}),
    ...(beamWidth !== undefined ? { beamWidth } : {}),
  };
}

/**
 * Runs train/evaluate/report/run/predict for seq2seq pipelines and artifacts; returns the exit
 * code, or undefined when the command is not about seq2seq (the classification path runs).
 */
export async function seq2seqDispatch(
  command: string,
  rest: readonly string[],
  flags: Seq2seqFlags,
  needPipeline: () => string,
  io: CliIo,
): Promise<number | undefined> {
  if (command === 'predict' && flags.artifact !== undefined) {
    if (!(await isSeq2seqArtifact(flags.artifact))) return undefined;
    await translateTexts(flags.artifact, rest, io, translateOptions(flags));
    return 0;
  }
  if (!['train', 'evaluate', 'report', 'run', 'predict'].includes(command)) return undefined;
  const loaded = await readPipeline(needPipeline(), io.cwd);
  if (loaded.pipeline.task !== 'seq2seq') return undefined;
  switch (command) {
    case 'train':
      await trainSeq2seqCommand(loaded, flags, io);
      return 0;
    case 'evaluate':
    case 'report':
      await evaluateSeq2seqCommand(loaded, flags, io, translateOptions(flags));
      return 0;
    case 'run':
      await runSeq2seqCommand(loaded, io);
      return 0;
    default: {
      const texts = rest.length > 1 ? rest.slice(1) : loaded.pipeline.evaluate.examples;
      await translateTexts(
        artifactDirFor(loaded.pipeline.name, io.cwd),
        texts,
        io,
        translateOptions(flags),
      );
      return 0;
    }
  }
}
