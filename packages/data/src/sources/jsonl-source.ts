import { describeValue } from '@seqpipe/errors';
import type { DataSourceConfigOf } from '../data-config.js';
import type { DataSource } from '../data-source.js';
import { pickExample } from '../pick-example.js';
import { readLines, resolveDataPath } from '../read-lines.js';

/**
 * JSON Lines: one JSON object per line (`{"text": "...", "label": 1}`), or one array per line
 * when `input`/`target` are column indexes. Blank lines are skipped.
 */
export const jsonlSource: DataSource<DataSourceConfigOf<'jsonl'>> = {
  async *read(config, fields, options) {
    for await (const { text, line } of readLines(config.path, options)) {
      if (text.trim() === '') continue;
      const label = `line ${line}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        yield {
          kind: 'issue',
          line,
          issue: {
            path: '/data/source/path',
            message: `${label} is not valid JSON (${(error as Error).message})`,
            received: describeValue(text),
            hint: 'write one JSON object per line, e.g. {"text": "a great film", "label": 1}',
          },
        };
        continue;
      }
      if (Array.isArray(value)) {
        yield* pickExample({ kind: 'row', cells: value }, fields, { label, line });
      } else if (typeof value === 'object' && value !== null) {
        yield* pickExample({ kind: 'object', value: value as Record<string, unknown> }, fields, {
          label,
          line,
        });
      } else {
        yield {
          kind: 'issue',
          line,
          issue: {
            path: '/data/source/path',
            message: `${label} is a JSON ${value === null ? 'null' : typeof value}, not an object`,
            expected: 'one JSON object per line',
            received: describeValue(text),
            hint: 'write each record as an object, e.g. {"text": "a great film", "label": 1}',
          },
        };
      }
    }
  },
  describe(config, options) {
    return `data file ${resolveDataPath(config.path, options)}`;
  },
};
