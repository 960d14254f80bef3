export { loadExamples } from './load-examples.js';
export { dataSources } from './sources/data-sources.js';
export { createRng } from './create-rng.js';
export { seededShuffle } from './seeded-shuffle.js';
export { splitExamples } from './split-examples.js';
export type {
  DataConfig,
  DataSourceConfig,
  DataSourceConfigOf,
  DataSourceType,
  Example,
  FieldKey,
  FieldMapping,
  LoadOptions,
} from './data-config.js';
export type { DataSource, DataSourceRegistry, SourceItem } from './data-source.js';
export type { SplitOptions, Splits } from './split-examples.js';
