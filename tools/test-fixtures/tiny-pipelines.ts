/**
 * The tiny pipelines the whole-system tests train in seconds: a sentiment classifier on 24
 * sentences made for these tests, and a reverse-digits seq2seq model. e2e/*.test.ts and the
 * deploy harness (tools/edge/harness.ts) build theirs here and override only what a test is about
 * (name, seed, cell, epochs, split, ...), so the shared shape is written once.
 *
 * The documents are plain pipeline JSON (what a user writes, before defaults), ready for
 * `JSON.stringify` into a file the CLI reads.
 */

export interface TinyRecord {
  text: string;
  label: number;
}

/** 24 short labelled sentences (made for these tests), enough for a model to separate. */
export function tinySentimentRecords(): TinyRecord[] {
  const good = ['great', 'wonderful', 'excellent', 'amazing', 'superb', 'brilliant'];
  const bad = ['terrible', 'awful', 'boring', 'dreadful', 'poor', 'bad'];
  const frames = ['a {} film', 'the acting was {}', '{} story'];
  const frame = (i: number) => frames[i % frames.length] ?? '{}';
  const records: TinyRecord[] = [];
  for (const [i, word] of good.entries())
    records.push({ text: frame(i).replace('{}', word), label: 1 });
  for (const [i, word] of bad.entries())
    records.push({ text: frame(i).replace('{}', word), label: 0 });
  for (const [i, word] of good.entries())
    records.push({ text: `truly ${word} ${frame(i + 1).replace(' {}', '')}`, label: 1 });
  for (const [i, word] of bad.entries())
    records.push({ text: `truly ${word} ${frame(i + 1).replace(' {}', '')}`, label: 0 });
  return records;
}

/** A held-out split as the pipeline file states it. */
export interface TinySplit {
  validation: number;
  test?: number;
}

export interface TinyClassifierOptions {
  /** Pipeline name: the artifact and report directories are named after it. */
  name: string;
  description?: string;
  /** Default 11. */
  seed?: number;
  /** Default `tinySentimentRecords()`. */
  records?: TinyRecord[];
  /** Default `{ validation: 0.25 }`. */
  split?: TinySplit;
  /** The recurrent layer between the embedding and the sigmoid output, default `simpleRnn`. */
  cell?: 'simpleRnn' | 'lstm' | 'gru';
  /** Adam's learning rate, default 0.01. */
  learningRate?: number;
  /** Default 4. */
  epochs?: number;
  /** Texts predicted after `seqpipe run`, default a positive and a negative one. */
  examples?: string[];
}

/**
 * A binary sentiment classifier: words tokenizer (100 words, maxLen 6, post padding), Embedding 8
 * + `cell` 8 + Dense sigmoid, batch 4, WASM with one thread.
 */
export function tinyClassifierPipeline(options: TinyClassifierOptions) {
  return {
    name: options.name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    task: 'binaryClassification',
    seed: options.seed ?? 11,
    data: {
      source: { type: 'inline', records: options.records ?? tinySentimentRecords() },
      input: 'text',
      target: 'label',
      labelNames: ['negative', 'positive'],
      split: options.split ?? { validation: 0.25 },
    },
    preprocess: {
      type: 'words',
      numWords: 100,
      oovToken: '<OOV>',
      maxLen: 6,
      padding: 'post',
      truncating: 'post',
    },
    model: {
      type: 'classifier',
      layers: [
        { type: 'embedding', outputDim: 8 },
        { type: options.cell ?? 'simpleRnn', units: 8 },
        { type: 'dense', units: 1, activation: 'sigmoid' },
      ],
    },
    train: {
      optimizer: { type: 'adam', learningRate: options.learningRate ?? 0.01 },
      epochs: options.epochs ?? 4,
      batchSize: 4,
    },
    evaluate: { examples: options.examples ?? ['a wonderful film', 'truly awful acting'] },
    backend: { type: 'wasm', threads: 1 },
  };
}

export interface TinySeq2seqOptions {
  name: string;
  description?: string;
  /** Generated pairs of 4 digits, default 96. */
  count?: number;
  /** Default `{ validation: 0.25 }`. */
  split?: TinySplit;
}

/**
 * Reverse 4 digits (seed 001's task, shrunk): LSTM encoder-decoder with 8 units and one-hot
 * inputs, greedy decoding, rmsprop for 2 epochs, WASM with one thread.
 */
export function tinySeq2seqPipeline(options: TinySeq2seqOptions) {
  return {
    name: options.name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    task: 'seq2seq',
    seed: 5,
    data: {
      source: {
        type: 'generate',
        generator: 'reverseDigits',
        vocabSize: 10,
        length: 4,
        count: options.count ?? 96,
        seed: 3,
      },
      input: 'input',
      target: 'target',
      split: options.split ?? { validation: 0.25 },
    },
    preprocess: { input: { type: 'words' }, target: { type: 'words' } },
    model: {
      type: 'encoderDecoder',
      cell: 'lstm',
      units: 8,
      inputEncoding: 'oneHot',
      decode: { strategy: 'greedy', maxLength: 4 },
    },
    train: { optimizer: { type: 'rmsprop', learningRate: 0.01 }, epochs: 2, batchSize: 16 },
    evaluate: { examples: ['3 7 2 5'] },
    backend: { type: 'wasm', threads: 1 },
  };
}
