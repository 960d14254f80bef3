import { cmudictSource } from './cmudict-source.js';
import { generateSource } from './generate-source.js';
import type { DataSourceRegistry } from '../data-source.js';
import { aclImdbSource } from './acl-imdb-source.js';
import { csvSource, tsvSource } from './delimited-source.js';
import { imdbNpzSource } from './imdb-npz-source.js';
import { inlineSource } from './inline-source.js';
import { jsonlSource } from './jsonl-source.js';
import { spamAssassinSource } from './spam-assassin-source.js';

/**
 * Every data source, keyed by the pipeline's `data.source.type`. Adding a source is one
 * entry here plus its config in `DataSourceConfig`.
 */
export const dataSources: DataSourceRegistry = {
  inline: inlineSource,
  generate: generateSource,
  cmudict: cmudictSource,
  jsonl: jsonlSource,
  csv: csvSource,
  tsv: tsvSource,
  aclImdb: aclImdbSource,
  imdbNpz: imdbNpzSource,
  spamAssassin: spamAssassinSource,
};
