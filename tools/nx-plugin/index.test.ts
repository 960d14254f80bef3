import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodesV2, pipelineDataFiles, pipelineTags, pipelineTargets } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'seqpipe-nx-'));
mkdirSync(join(root, 'pipelines'));
writeFileSync(
  join(root, 'pipelines', 'demo.json'),
  JSON.stringify({ name: 'demo', data: { source: { type: 'jsonl', path: 'data/demo.jsonl' } } }),
);
writeFileSync(
  join(root, 'pipelines', 'inline.json'),
  JSON.stringify({ name: 'inline', data: { source: { type: 'inline' } } }),
);
writeFileSync(join(root, 'pipelines', 'broken.json'), '{ not json');
// demo.json's data file exists; missing.json names one that does not.
mkdirSync(join(root, 'pipelines', 'data'));
writeFileSync(join(root, 'pipelines', 'data', 'demo.jsonl'), '{"text": "a", "label": 1}\n');
writeFileSync(
  join(root, 'pipelines', 'missing.json'),
  JSON.stringify({ name: 'missing', data: { source: { type: 'csv', path: 'data/nowhere.csv' } } }),
);
// The IMDB sources are external by type, whether or not the files are here.
mkdirSync(join(root, 'pipelines', 'data', 'imdb'));
writeFileSync(join(root, 'pipelines', 'data', 'imdb', 'imdb.npz'), '');
writeFileSync(join(root, 'pipelines', 'data', 'imdb', 'imdb_word_index.json'), '{}');
writeFileSync(
  join(root, 'pipelines', 'imdb.json'),
  JSON.stringify({
    name: 'imdb',
    data: {
      source: {
        type: 'imdbNpz',
        path: 'data/imdb/imdb.npz',
        wordIndex: 'data/imdb/imdb_word_index.json',
      },
    },
  }),
);
writeFileSync(
  join(root, 'pipelines', 'acl.json'),
  JSON.stringify({ name: 'acl', data: { source: { type: 'aclImdb', path: 'data/aclImdb' } } }),
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('nx plugin', () => {
  it('reads the data file a pipeline depends on', () => {
    expect(pipelineDataFiles('pipelines/demo.json', root)).toEqual(['pipelines/data/demo.jsonl']);
    expect(pipelineDataFiles('pipelines/inline.json', root)).toEqual([]);
    expect(pipelineDataFiles('pipelines/broken.json', root)).toEqual([]);
    expect(pipelineDataFiles('pipelines/imdb.json', root)).toEqual([
      'pipelines/data/imdb/imdb.npz',
      'pipelines/data/imdb/imdb_word_index.json',
    ]);
  });

  it('tags pipelines whose data is not in the repository data:external', () => {
    const tags = (name: string) => pipelineTags(`pipelines/${name}.json`, root);
    expect(tags('demo')).toEqual(['type:pipeline']);
    expect(tags('inline')).toEqual(['type:pipeline']);
    expect(tags('broken')).toEqual(['type:pipeline']);
    expect(tags('missing')).toEqual(['type:pipeline', 'data:external']);
    expect(tags('imdb')).toEqual(['type:pipeline', 'data:external']);
    expect(tags('acl')).toEqual(['type:pipeline', 'data:external']);
  });

  it('caches train on the pipeline, its data and the package sources, with the artifact as output', () => {
    const { train, evaluate, report, predict, validate, bundle } = pipelineTargets(
      'pipelines/demo.json',
      root,
    );
    expect(train?.cache).toBe(true);
    expect(train?.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/pipelines/demo.json',
        '{workspaceRoot}/pipelines/data/demo.jsonl',
        '{workspaceRoot}/packages/*/src/**/*.ts',
        '!{workspaceRoot}/packages/*/src/**/*.test.ts',
      ]),
    );
    expect(train?.outputs).toEqual(['{workspaceRoot}/artifacts/demo']);
    expect(evaluate?.dependsOn).toEqual(['train']);
    expect(report?.dependsOn).toEqual(['evaluate']);
    expect(report?.outputs).toEqual([
      '{workspaceRoot}/reports/demo/report.html',
      '{workspaceRoot}/reports/demo/report.md',
    ]);
    expect(predict?.cache).toBe(false);
    expect(bundle?.options.command).toBe(
      'node packages/cli/bin/seqpipe.js bundle pipelines/demo.json --target all',
    );
    expect(bundle?.outputs).toEqual(['{workspaceRoot}/dist/bundles/demo']);
    expect(validate?.options.command).toBe(
      'node packages/cli/bin/seqpipe.js validate pipelines/demo.json',
    );
  });

  it('creates one project per pipeline file, named after it', async () => {
    const [, createNodes] = createNodesV2;
    const results = await createNodes(
      ['pipelines/demo.json', 'pipelines/inline.json', 'pipelines/imdb.json'],
      {},
      {
        workspaceRoot: root,
        nxJsonConfiguration: {},
      },
    );
    const names = results.map(([, r]) => Object.values(r.projects ?? {})[0]?.name);
    expect(names).toEqual(['demo', 'inline', 'imdb']);
    expect(Object.keys(results[0]![1].projects ?? {})).toEqual(['pipelines/demo']);
    const tags = results.map(([, r]) => Object.values(r.projects ?? {})[0]?.tags);
    expect(tags).toEqual([
      ['type:pipeline'],
      ['type:pipeline'],
      ['type:pipeline', 'data:external'],
    ]);
  });
});
