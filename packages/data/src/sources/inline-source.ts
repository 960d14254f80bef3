import { describeValue } from '@seqpipe/errors';
import type { DataSourceConfigOf } from '../data-config.js';
import type { DataSource } from '../data-source.js';
import { pickExample } from '../pick-example.js';

/** Records written in the pipeline itself: `{ "type": "inline", "records": [{ ... }] }`. */
export const inlineSource: DataSource<DataSourceConfigOf<'inline'>> = {
  async *read(config, fields) {
    for (const [index, record] of config.records.entries()) {
      const label = `/data/source/records/${index}`;
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        yield {
          kind: 'issue',
          issue: {
            path: label,
            message: `${label} is not an object`,
            expected: 'an object such as {"text": "...", "label": 1}',
            received: describeValue(record),
          },
        };
        continue;
      }
      yield* pickExample({ kind: 'object', value: record }, fields, { label });
    }
  },
  describe(_config, options) {
    return `the inline records at /data/source/records${options.file !== undefined ? ` in ${options.file}` : ''}`;
  },
};
