import { SeqpipeError } from '@seqpipe/errors';
import { loadArtifact, type Prediction, type TextClassifier } from '@seqpipe/runtime';
import { directoryReader } from '../artifact-files.js';
import type { CliIo } from '../io.js';

export async function openArtifact(dir: string): Promise<TextClassifier> {
  return loadArtifact(directoryReader(dir));
}

export async function predictTexts(
  dir: string,
  texts: readonly string[],
  io: CliIo,
): Promise<Prediction[]> {
  if (texts.length === 0) {
    throw new SeqpipeError(
      'SEQPIPE_USAGE',
      'nothing to predict: pass texts (seqpipe predict --artifact <dir> "some text") or a pipeline with evaluate.examples.',
    );
  }
  const classifier = await openArtifact(dir);
  try {
    const predictions = await classifier.predict(texts);
    printPredictions(predictions, classifier.manifest.labels, io);
    return predictions;
  } finally {
    classifier.dispose();
  }
}

export function printPredictions(
  predictions: readonly Prediction[],
  labels: readonly string[],
  io: CliIo,
): void {
  const width = Math.min(48, Math.max(...predictions.map((p) => p.text.length)) + 2);
  io.stdout.write('predictions:\n');
  for (const p of predictions) {
    const quoted = JSON.stringify(p.text);
    const scores =
      labels.length === 2
        ? `p(${labels[1]}) = ${(p.scores[1] ?? 0).toFixed(4)}`
        : `p = ${p.confidence.toFixed(4)}`;
    io.stdout.write(`  ${quoted.padEnd(width)} → ${p.label.padEnd(10)} ${scores}\n`);
  }
}
