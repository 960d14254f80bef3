import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodesV2, pipelineDataFiles, pipelineTargets } from './index.js';

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
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('nx plugin', () => {
  it('reads the data file a pipeline depends on', () => {
    expect(pipelineDataFiles('pipelines/demo.json', root)).toEqual(['pipelines/data/demo.jsonl']);
    expect(pipelineDataFiles('pipelines/inline.json', root)).toEqual([]);
    expect(pipelineDataFiles('pipelines/broken.json', root)).toEqual([]);
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
      ['pipelines/demo.json', 'pipelines/inline.json'],
      {},
      {
        workspaceRoot: root,
        nxJsonConfiguration: {},
      },
    );
    const names = results.map(([, r]) => Object.values(r.projects ?? {})[0]?.name);
    expect(names).toEqual(['demo', 'inline']);
    expect(Object.keys(results[0]![1].projects ?? {})).toEqual(['pipelines/demo']);
  });
});
