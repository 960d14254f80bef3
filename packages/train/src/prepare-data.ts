import * as tf from '@tensorflow/tfjs-core';
import type { Example } from '@seqpipe/data';
import { splitExamples } from '@seqpipe/data';
import { SeqpipeError, describeValue } from '@seqpipe/errors';
import type { Pipeline } from '@seqpipe/spec';
import { Tokenizer, padSequences } from '@seqpipe/text';
import type { TensorSplit } from './fit.js';

/** The pipeline's examples, split, with the class list and a tokenizer fitted as declared. */
export interface PreparedData {
  readonly tokenizer: Tokenizer;
  /** Class values in output index order (as they appear in the data). */
  readonly classes: readonly (string | number)[];
  /** Display names per class index (`data.labelNames`, else the class values as strings). */
  readonly labels: readonly string[];
  readonly splits: {
    readonly train: Example[];
    readonly validation: Example[];
    readonly test: Example[];
  };
  /** Vocabulary size the embedding needs: numWords when set, else the word index size + 1. */
  readonly vocabSize: number;
}

/**
 * Splits (shuffled with the pipeline seed; examples a source marks `split: "test"` form the
 * test set as they are), fits the tokenizer on the training split (or on
 * everything with `preprocess.fitOn: "all"`, as the Keras seed does) and fixes the classes.
 */
export function prepareData(
  pipeline: Pipeline,
  examples: readonly Example[],
  file?: string,
): PreparedData {
  const { split } = pipeline.data;
  // Sources with fixed splits (aclImdb, imdb.npz) bring their own test set; validation
  // still comes from the training part.
  const fixedTest = examples.filter((e) => e.split === 'test');
  const splits =
    fixedTest.length > 0
      ? {
          ...splitExamples(
            examples.filter((e) => e.split !== 'test'),
            { ...split, test: 0, seed: pipeline.seed },
          ),
          test: fixedTest,
        }
      : splitExamples(examples, { ...split, seed: pipeline.seed });
  const classes = resolveClasses(pipeline, examples, file);
  const pre = pipeline.preprocess;
  const tokenizer = new Tokenizer({
    ...(pre.numWords !== undefined ? { numWords: pre.numWords } : {}),
    ...(pre.oovToken !== undefined ? { oovToken: pre.oovToken } : {}),
    filters: pre.filters,
    lower: pre.lower,
    split: pre.split,
    charLevel: pre.type === 'chars',
  });
  const fitOn = pre.fitOn === 'all' ? examples : splits.train;
  tokenizer.fitOnTexts(fitOn.map((e) => e.input));
  const vocabSize = pre.numWords ?? tokenizer.wordIndex.size + 1;
  const names = pipeline.data.labelNames;
  const labels = classes.map((c, i) => names?.[i] ?? String(c));
  return { tokenizer, classes, labels, splits, vocabSize };
}

function resolveClasses(
  pipeline: Pipeline,
  examples: readonly Example[],
  file?: string,
): (string | number)[] {
  const declared = pipeline.data.labels;
  const seen = [...new Set(examples.map((e) => e.target))];
  const classes =
    declared ??
    seen.sort((a, b) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
    );
  if (declared !== undefined) {
    const unknown = seen.filter((t) => !declared.includes(t));
    if (unknown.length > 0) {
      throw new SeqpipeError(
        'SEQPIPE_DATA_MALFORMED',
        `the data has target values not listed in /data/labels: ${unknown
          .slice(0, 5)
          .map((u) => describeValue(u))
          .join(', ')}. Add them to data.labels or fix the data.`,
        {
          ...(file !== undefined ? { file } : {}),
          issues: [
            {
              path: '/data/labels',
              message: 'target values missing from labels',
              received: describeValue(unknown),
            },
          ],
        },
      );
    }
  }
  if (pipeline.task === 'binaryClassification' && classes.length !== 2) {
    throw new SeqpipeError(
      'SEQPIPE_DATA_MALFORMED',
      `task "binaryClassification" needs exactly 2 classes, the data has ${classes.length}: ${describeValue(classes)}. Use task "multiclassClassification" or fix /data/target.`,
      {
        ...(file !== undefined ? { file } : {}),
        issues: [
          {
            path: '/task',
            message: 'class count does not match the task',
            expected: '2 classes',
            received: String(classes.length),
          },
        ],
      },
    );
  }
  return classes;
}

/** Encodes a split as tensors: padded token ids and targets in the loss' expected shape. */
export function toTensors(
  pipeline: Pipeline,
  data: PreparedData,
  examples: readonly Example[],
): TensorSplit {
  const { maxLen, padding, truncating } = pipeline.preprocess;
  const ids = padSequences(data.tokenizer.textsToSequences(examples.map((e) => e.input)), {
    maxLen,
    padding,
    truncating,
  });
  const index = examples.map((e) => data.classes.indexOf(e.target));
  return tf.tidy(() => {
    const x = tf.tensor2d(ids.flat(), [examples.length, maxLen], 'int32');
    let y: tf.Tensor;
    if (pipeline.task === 'binaryClassification')
      y = tf.tensor2d(index, [index.length, 1], 'float32');
    else if (pipeline.train.loss === 'categoricalCrossentropy')
      y = tf.cast(tf.oneHot(tf.tensor1d(index, 'int32'), data.classes.length), 'float32');
    else y = tf.tensor2d(index, [index.length, 1], 'float32');
    return { x, y };
  });
}
