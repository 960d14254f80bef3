/**
 * The `data` section of a pipeline, declared here structurally so this package does not
 * import `@seqpipe/spec` (spec's `DataSpec` is assignable to `DataConfig`).
 */

/** Where the records come from; `path` is relative to the pipeline file's directory. */
export type DataSourceConfig =
  | { type: 'inline'; records: ReadonlyArray<Readonly<Record<string, unknown>>> }
  | { type: 'jsonl'; path: string }
  /** `header` default true, `delimiter` default `","`. */
  | { type: 'csv'; path: string; delimiter?: string | undefined; header?: boolean | undefined }
  /** `header` default false. Fields are split on tabs, no quoting. */
  | { type: 'tsv'; path: string; header?: boolean | undefined };

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
}

/** One labelled example: the text and its target, which keeps its type (number or string). */
export interface Example {
  input: string;
  target: string | number;
}

export interface LoadOptions {
  /** The pipeline file's directory: relative data paths resolve against it. */
  baseDir: string;
  /** The pipeline file, named in error messages. */
  file?: string | undefined;
  /** Problems gathered before reading stops and they are thrown together. Default 10. */
  maxIssues?: number | undefined;
}
