import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cleanText, padSequences, type Tokenizer } from '@seqpipe/text';
import { SeqpipeError } from '@seqpipe/errors';
import type { ArtifactManifest } from './manifest.js';

/** One prediction: the chosen label, its probability, and the probability of every label. */
export interface Prediction {
  readonly text: string;
  readonly label: string;
  /** Probability of `label`. */
  readonly confidence: number;
  /** Probability of each label, in `manifest.labels` order. */
  readonly scores: readonly number[];
}

/** Texts the model sees in one pass (bounds the activations' memory for long inputs). */
const PREDICT_BATCH = 256;

/** A loaded classification artifact: text in, labels out. Call `dispose()` when done. */
export class TextClassifier {
  constructor(
    readonly manifest: ArtifactManifest,
    readonly tokenizer: Tokenizer,
    /**
     * The loaded tfjs model, fused (`fuseModel` with `lazyEmbeddings`): an Embedding layer read
     * only by recurrent layers returns zeros when applied on its own; its table is in
     * `getWeights()`.
     */
    readonly model: LayersModel,
  ) {}

  /** Token ids exactly as the model saw them in training: clean (`data.clean`), tokenize, pad/truncate. */
  encode(texts: readonly string[]): number[][] {
    const { maxLen, padding, truncating, clean } = this.manifest.preprocess;
    const cleaned = clean === undefined ? texts : texts.map((t) => cleanText(t, clean));
    return padSequences(this.tokenizer.textsToSequences([...cleaned]), {
      maxLen,
      padding,
      truncating,
    });
  }

  /** Raw model outputs, one row per text (sigmoid score for binary, softmax row for multiclass). */
  async scores(texts: readonly string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const bad = texts.findIndex((t) => typeof t !== 'string');
    if (bad >= 0) {
      throw new SeqpipeError(
        'SEQPIPE_RUNTIME_INPUT',
        `texts[${bad}] is not a string: predict takes an array of strings.`,
      );
    }
    const ids = this.encode(texts);
    const output = tf.tidy(() => {
      const x = tf.tensor2d(ids, [ids.length, this.manifest.preprocess.maxLen], 'int32');
      // One pass for up to PREDICT_BATCH texts (tfjs' default is 32 per pass; the fused kernels
      // and their threads do better on the whole batch).
      return this.model.predict(x, {
        batchSize: Math.min(PREDICT_BATCH, Math.max(1, ids.length)),
      }) as tf.Tensor;
    });
    try {
      return (await output.array()) as number[][];
    } finally {
      output.dispose();
    }
  }

  async predict(texts: readonly string[]): Promise<Prediction[]> {
    const rows = await this.scores(texts);
    const { labels, threshold, task } = this.manifest;
    return rows.map((row, i) => {
      let scores: number[];
      if (task === 'binaryClassification') {
        const p = row[0] ?? 0;
        scores = [1 - p, p];
      } else {
        scores = row;
      }
      const index =
        task === 'binaryClassification' ? ((scores[1] ?? 0) >= threshold ? 1 : 0) : argmax(scores);
      return {
        text: texts[i] as string,
        label: labels[index] ?? String(index),
        confidence: scores[index] ?? 0,
        scores,
      };
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}
