import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Example } from '@seqpipe/data';
import { loadExamples } from '@seqpipe/data';
import { SeqpipeError } from '@seqpipe/errors';
import {
  buildMetricsDocument,
  classificationMetrics,
  formatMetricsLine,
  renderMetricsDocument,
  scoredText,
  type ClassificationMetrics,
  type ReportInput,
  type ScoredExample,
} from '@seqpipe/eval';
import type { TextClassifier } from '@seqpipe/runtime';
import { canonicalHash, prepareData, writeFileAtomic, type TrainingRecord } from '@seqpipe/train';
import { artifactDirFor, reportDirFor } from '../artifact-files.js';
import type { CliIo } from '../io.js';
import type { LoadedPipeline } from '../read-pipeline.js';
import { openArtifact } from './predict.js';

export interface EvaluateFlags {
  readonly artifact?: string | undefined;
  readonly out?: string | undefined;
}

/**
 * Scores the artifact on the pipeline's held-out splits (re-created from the same data and
 * seed as in training) and writes `metrics.json`. Returns everything a report shows.
 */
export async function evaluateCommand(
  loaded: LoadedPipeline,
  flags: EvaluateFlags,
  io: CliIo,
): Promise<ReportInput> {
  const { pipeline } = loaded;
  const artifactDir = artifactDirFor(pipeline.name, io.cwd, flags.artifact);
  const classifier = await openArtifact(artifactDir);
  try {
    if (classifier.manifest.pipelineHash !== canonicalHash(pipeline)) {
      io.stderr.write(
        `warning: ${relative(io.cwd, artifactDir)} was trained from a different version of ${loaded.file}; retrain for figures that match the file.\n`,
      );
    }
    const record = await readTrainingRecord(artifactDir);
    const examples = await loadExamples(pipeline.data, {
      baseDir: loaded.baseDir,
      file: loaded.file,
      ...(loaded.dataDir !== undefined ? { dataDir: loaded.dataDir } : {}),
    });
    const data = prepareData(pipeline, examples, loaded.file);
    const labels = classifier.manifest.labels;
    const score = async (
      split: readonly Example[],
    ): Promise<{ metrics: ClassificationMetrics; scored: ScoredExample[] } | undefined> => {
      if (split.length === 0) return undefined;
      const predictions = await classifier.predict(split.map((e) => e.input));
      const targets = split.map((e) => data.classes.indexOf(e.target));
      return {
        metrics: classificationMetrics(
          targets,
          predictions.map((p) => labels.indexOf(p.label)),
          { labels, ...(labels.length === 2 ? { positiveIndex: 1 } : {}) },
        ),
        // Per-example scores, so the report can draw ROC, PR and calibration curves.
        scored: predictions.map((p, i) => ({
          text: scoredText(p.text),
          target: targets[i] as number,
          scores: [...p.scores],
        })),
      };
    };
    const scoredValidation = await score(data.splits.validation);
    const scoredTest = await score(data.splits.test);
    const validation = scoredValidation?.metrics;
    const test = scoredTest?.metrics;
    const examplePredictions = await classifier.predict(pipeline.evaluate.examples);
    const { manifest } = classifier;
    const input: ReportInput = {
      pipeline: { name: pipeline.name, task: pipeline.task, description: pipeline.description },
      data: record.data,
      model: record.model,
      backend: manifest.backend,
      training: {
        epochs: manifest.training.epochs,
        seconds: manifest.training.seconds,
        history: record.history,
        seed: manifest.training.seed,
      },
      metrics: { validation, test },
      examples: examplePredictions.map((p) => ({
        text: p.text,
        label: p.label,
        score: manifest.task === 'binaryClassification' ? (p.scores[1] ?? 0) : p.confidence,
      })),
      predictions: {
        labels: [...labels],
        threshold: manifest.threshold,
        ...(scoredValidation === undefined ? {} : { validation: scoredValidation.scored }),
        ...(scoredTest === undefined ? {} : { test: scoredTest.scored }),
      },
    };
    const out = join(reportDirFor(pipeline.name, io.cwd, flags.out), 'metrics.json');
    await writeFileAtomic(out, renderMetricsDocument(buildMetricsDocument(input, new Date())));
    if (validation) io.stdout.write(`validation: ${formatMetricsLine(validation)}\n`);
    if (test) io.stdout.write(`test:       ${formatMetricsLine(test)}\n`);
    io.stdout.write(`metrics written to ${relative(io.cwd, out)}\n`);
    return input;
  } finally {
    classifier.dispose();
  }
}

async function readTrainingRecord(artifactDir: string): Promise<TrainingRecord> {
  const file = join(artifactDir, 'training.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TrainingRecord;
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `cannot read ${file} (${(error as Error).message}): retrain the pipeline to re-create the artifact.`,
      { file, cause: error },
    );
  }
}

export type { TextClassifier };
