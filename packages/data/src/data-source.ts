import type { Issue } from '@seqpipe/errors';
import type {
  DataSourceConfigOf,
  DataSourceType,
  Example,
  FieldMapping,
  LoadOptions,
} from './data-config.js';

/** What a source yields: an example, or a problem with one record (never a silent skip). */
export type SourceItem =
  | { readonly kind: 'example'; readonly example: Example }
  | { readonly kind: 'issue'; readonly issue: Issue; readonly line?: number | undefined };

/**
 * Reads one kind of source. Problems with single records are yielded as issues so the
 * loader can report several at once; problems that stop reading (missing file, a header
 * without the named column) are thrown as `SeqpipeError`s.
 */
export interface DataSource<C> {
  read(config: C, fields: FieldMapping, options: LoadOptions): AsyncIterable<SourceItem>;
  /** Names the records for messages: the resolved file, or the inline records' pointer. */
  describe(config: C, options: LoadOptions): string;
}

/** The registry's type: one entry per source `type`, each reading its own config. */
export type DataSourceRegistry = {
  readonly [K in DataSourceType]: DataSource<DataSourceConfigOf<K>>;
};
