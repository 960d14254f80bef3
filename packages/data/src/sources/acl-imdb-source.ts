import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeValue } from '@seqpipe/errors';
import type { DataSourceConfigOf } from '../data-config.js';
import type { DataSource, SourceItem } from '../data-source.js';
import { imdbDataMissing } from '../imdb-help.js';
import { pickExample } from '../pick-example.js';
import { resolveDataPath } from '../read-lines.js';

const FILE_NAME = /^(\d+)_(\d+)\.txt$/;
const READ_AT_ONCE = 64;

/**
 * The `aclImdb/` folder of the Large Movie Review Dataset: `{train,test}/{pos,neg}/<id>_<rating>.txt`
 * (`unsup/` and the other files are ignored). Reads train then test, neg then pos, files by id.
 */
export const aclImdbSource: DataSource<DataSourceConfigOf<'aclImdb'>> = {
  async *read(config, fields, options) {
    const root = resolveDataPath(config.path, options);
    const missing = (what: string, cause?: unknown) =>
      imdbDataMissing('aclImdb', '/data/source/path', config.path, root, what, options, cause);
    try {
      if (!(await stat(root)).isDirectory()) throw missing('the aclImdb path is not a folder');
    } catch (error) {
      if (error instanceof Error && 'code' in error && typeof error.code === 'string')
        throw missing('the aclImdb folder does not exist', error);
      throw error;
    }
    for (const split of config.splits ?? ['train', 'test']) {
      for (const [folder, label] of [
        ['neg', 0],
        ['pos', 1],
      ] as const) {
        const dir = join(root, split, folder);
        let names: string[];
        try {
          names = await readdir(dir);
        } catch (error) {
          throw missing(`the aclImdb folder has no ${split}/${folder} folder`, error);
        }
        const files: { name: string; id: number; rating: number }[] = [];
        for (const name of names) {
          const match = FILE_NAME.exec(name);
          if (match === null) {
            if (name.endsWith('.txt')) yield badName(join(split, folder, name));
            continue;
          }
          files.push({ name, id: Number(match[1]), rating: Number(match[2]) });
        }
        if (files.length === 0) {
          yield {
            kind: 'issue',
            issue: {
              path: '/data/source/path',
              message: `${dir} has no <id>_<rating>.txt reviews`,
              expected: 'review files such as 0_3.txt',
              received: `${names.length} entries`,
              hint: 'extract the whole aclImdb_v1.tar.gz',
            },
          };
          continue;
        }
        files.sort((a, b) => a.id - b.id || a.rating - b.rating);
        for (let start = 0; start < files.length; start += READ_AT_ONCE) {
          const batch = files.slice(start, start + READ_AT_ONCE);
          const texts = await Promise.all(batch.map((f) => readFile(join(dir, f.name), 'utf8')));
          for (const [i, file] of batch.entries()) {
            const text = texts[i] ?? '';
            const where = { label: `${split}/${folder}/${file.name}` };
            for (const item of pickExample(
              { kind: 'object', value: { text, label, rating: file.rating, id: file.id } },
              fields,
              where,
            )) {
              yield item.kind === 'example'
                ? { kind: 'example', example: { ...item.example, split } }
                : item;
            }
          }
        }
      }
    }
  },
  describe(config, options) {
    return `aclImdb folder ${resolveDataPath(config.path, options)}`;
  },
};

function badName(name: string): SourceItem {
  return {
    kind: 'issue',
    issue: {
      path: '/data/source/path',
      message: `${name} is not named <id>_<rating>.txt`,
      expected: 'a name such as 12_8.txt (review 12, rated 8 of 10)',
      received: describeValue(name),
      hint: 'remove or rename files that are not reviews',
    },
  };
}
